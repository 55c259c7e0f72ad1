// The image can't be built on these machines (no Docker engine), so everything about the build
// that can be known without one is checked: base images, the files each step copies, the npm
// scripts it runs, what the build stage produces, and how the image starts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative } from 'node:path';
import { expect } from 'chai';
import { CHECK_REQUIREMENTS } from '../../../src/agent/checks/index.js';
import { loadConfig } from '../../../src/cli-flags.js';
import { exporterPod } from './exporter-pod.js';
import { execForm, inBuildContext, parseCopy, parseDockerfile, type Stage } from './dockerfile.js';
import { PROJECT_ROOT, render } from '../../support/manifests/paths.js';

const read = (p: string): string => readFileSync(join(PROJECT_ROOT, p), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const dockerignore = read('.dockerignore');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  workspaces?: string[];
};
const build = stages[0]!;
const runtime = stages.at(-1)!;

interface TsConfig {
  extends?: string;
  compilerOptions?: { rootDir?: string; outDir?: string };
  include?: string[];
}
/** compilerOptions of a tsconfig with its `extends` chain applied. */
function tsOptions(file: string): { rootDir?: string; outDir?: string; include: string[]; files: string[] } {
  const cfg = JSON.parse(read(file)) as TsConfig;
  const base = cfg.extends ? tsOptions(posix.join(posix.dirname(file), cfg.extends)) : { include: [], files: [] };
  return {
    ...base,
    ...cfg.compilerOptions,
    include: cfg.include ?? base.include,
    files: [file, ...base.files],
  };
}
const buildConfig = tsOptions('tsconfig.build.json');

const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const workdir = (stage: Stage): string => of(stage, 'WORKDIR').at(-1)?.args ?? '/';

/** Absolute paths a stage holds because it copied them in (COPY dest resolved against WORKDIR). */
function copiedInto(stage: Stage): string[] {
  return of(stage, 'COPY').flatMap((i) => {
    const c = parseCopy(i.args);
    const dest = posix.resolve(workdir(stage), c.dest);
    const intoDir = c.dest.endsWith('/') || c.sources.length > 1;
    return c.sources.map((s) => (intoDir ? posix.join(dest, posix.basename(s)) : dest));
  });
}
const under = (path: string, roots: string[]): boolean => roots.some((r) => path === r || path.startsWith(`${r}/`));

function filesUnder(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => posix.join(dir, f.split('\\').join('/')))
    .filter((f) => statSync(join(PROJECT_ROOT, f)).isFile());
}

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, both on Node.js 22 or later', () => {
    expect(stages).to.have.length.of.at.least(2);
    for (const s of stages) {
      const major = Number(/^node:(\d+)/.exec(s.image)?.[1]);
      expect(major, `${s.name}: ${s.image}`).to.be.at.least(22);
    }
  });

  it('copies from the project only files that exist and that .dockerignore lets into the context', () => {
    for (const s of stages) {
      for (const i of of(s, 'COPY')) {
        const c = parseCopy(i.args);
        if (c.from !== undefined) continue;
        for (const src of c.sources) {
          expect(existsSync(join(PROJECT_ROOT, src)), `line ${i.line}: ${src} exists`).to.be.true;
          const files = statSync(join(PROJECT_ROOT, src)).isDirectory() ? filesUnder(src) : [src];
          expect(files, `line ${i.line}: ${src} has files`).not.to.be.empty;
          for (const f of files) expect(inBuildContext(dockerignore, f), `line ${i.line}: ${f} is in the build context`).to.be.true;
        }
      }
    }
  });

  it('keeps local state out of the build context', () => {
    for (const p of ['node_modules/yaml/package.json', 'dist/cli.js', '.lab/kubeconfig', '.git/HEAD', 'test/unit/x.test.ts']) {
      expect(inBuildContext(dockerignore, p), p).to.be.false;
    }
  });

  it('copies into the build stage everything `npm run build` compiles, before running it', () => {
    const runAt = of(build, 'RUN').find((i) => /\bnpm run build\b/.test(i.args))?.line;
    expect(runAt, 'npm run build').to.be.a('number');
    const copiedBefore = build.instructions
      .filter((i) => i.keyword === 'COPY' && i.line < runAt!)
      .flatMap((i) => parseCopy(i.args).sources);
    for (const needed of [...buildConfig.files, ...buildConfig.include, 'package.json', 'package-lock.json']) {
      expect(copiedBefore, needed).to.include(needed);
    }
  });

  it('runs only npm scripts that package.json defines, and npm ci only with the lockfile copied', () => {
    for (const s of stages) {
      const copied = of(s, 'COPY').flatMap((i) => parseCopy(i.args).sources);
      for (const i of of(s, 'RUN')) {
        for (const m of i.args.matchAll(/\bnpm run ([\w:-]+)/g)) expect(pkg.scripts, `line ${i.line}`).to.have.property(m[1]!);
        if (/\bnpm ci\b/.test(i.args)) expect(copied, `line ${i.line}`).to.include.members(['package.json', 'package-lock.json']);
      }
    }
  });

  it('copies from the build stage only what that stage produces (its compiler output)', () => {
    const produced = [...copiedInto(build), posix.resolve(workdir(build), buildConfig.outDir!)];
    const fromBuild = of(runtime, 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from === build.name);
    expect(fromBuild, 'COPY --from=build').not.to.be.empty;
    for (const c of fromBuild) for (const src of c.sources) expect(under(src, produced), src).to.be.true;
  });

  it('installs only production dependencies in the runtime stage and builds nothing there', () => {
    const runs = of(runtime, 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).to.be.true;
    expect(runs.some((r) => /\bnpm (run|install)\b/.test(r))).to.be.false;
    for (const c of of(runtime, 'COPY').map((i) => parseCopy(i.args))) {
      for (const src of c.sources) expect(src, 'copied into the runtime stage').not.to.match(/node_modules|(^|\/)src$/);
    }
  });

  it('leaves the lab (a workspace package, a development tool) out of both stages', () => {
    const workspaces = pkg.workspaces ?? [];
    expect(workspaces, 'package.json workspaces').to.include('lab');
    for (const w of workspaces) {
      expect(filesUnder(w), w).not.to.be.empty;
      for (const f of filesUnder(w)) expect(inBuildContext(dockerignore, f), `${f} is in the build context`).to.be.false;
    }
    // a source path (relative to the project, or to the WORKDIR of the stage copied from) that is a
    // workspace, lies in one, or holds one (`.`, a parent directory)
    const holdsWorkspace = (path: string) => {
      const p = posix.normalize(path).replace(/\/+$/, '');
      return p === '.' || p === '' || workspaces.some((w) => under(p, [w]) || w.startsWith(`${p}/`));
    };
    for (const s of stages) {
      for (const i of of(s, 'COPY')) {
        const c = parseCopy(i.args);
        const fromStage = stages.find((x) => x.name === c.from);
        for (const src of c.sources) {
          const path = fromStage ? posix.relative(workdir(fromStage), posix.resolve(workdir(fromStage), src)) : src;
          expect(holdsWorkspace(path), `line ${i.line}: ${s.name} copies ${src}`).to.be.false;
        }
      }
      // with workspaces, npm ci would link each one into node_modules
      for (const r of of(s, 'RUN').filter((i) => /\bnpm ci\b/.test(i.args))) expect(r.args, `line ${r.line}`).to.match(/--workspaces=false\b/);
    }
  });

  it('runs as the non-root user 65532, as the Deployment does, once every RUN is done', () => {
    const users = of(runtime, 'USER');
    expect(users).to.have.length(1);
    expect(users[0]!.args).to.match(/^65532(:65532)?$/);
    expect(of(runtime, 'RUN').every((r) => r.line < users[0]!.line)).to.be.true;
    const pod = exporterPod(render('manifests/base'));
    expect(pod.spec.securityContext?.runAsUser).to.equal(65532);
  });

  it('starts dist/cli.js, which `npm run build` compiles from src/cli.ts, with `serve` by default', () => {
    const entrypoint = execForm(of(runtime, 'ENTRYPOINT').at(-1)?.args ?? '');
    expect(entrypoint).to.deep.equal(['node', 'dist/cli.js']);
    const compiled = posix.join(buildConfig.outDir!, posix.relative(buildConfig.rootDir!, 'src/cli.ts')).replace(/\.ts$/, '.js');
    expect(compiled).to.equal('dist/cli.js');
    expect(existsSync(join(PROJECT_ROOT, 'src/cli.ts'))).to.be.true;
    expect(pkg.bin['ambient-exporter']).to.equal(compiled);
    expect(under(posix.resolve(workdir(runtime), compiled), copiedInto(runtime))).to.be.true;
    expect(execForm(of(runtime, 'CMD').at(-1)?.args ?? '')).to.deep.equal(['serve']);
  });

  it("installs iproute2 from Debian in the runtime stage, for the commands the agent's checks run (ip, bridge)", () => {
    expect(runtime.image).to.match(/bookworm|bullseye|trixie/, 'a Debian base image');
    const installs = of(runtime, 'RUN').filter((r) => /\bapt-get install\b/.test(r.args));
    expect(installs.map((r) => r.args).join(' ')).to.match(/\bapt-get install -y --no-install-recommends\b.*\biproute2\b/);
    for (const r of installs) {
      expect(r.args, `line ${r.line}: refreshes the package lists first`).to.match(/\bapt-get update\b.*&&.*\bapt-get install\b/);
      expect(r.args, `line ${r.line}: leaves no package lists in the layer`).to.match(/rm -rf \/var\/lib\/apt\/lists\/\*/);
    }
    const commands = new Set(Object.values(CHECK_REQUIREMENTS).flatMap((req) => req.commands));
    expect([...commands].sort(), 'what iproute2 provides').to.deep.equal(['bridge', 'ip']);
  });

  it('caps the heap, and the Deployment\'s memory limit leaves room for what Node holds besides it', () => {
    const env = of(runtime, 'ENV').map((i) => i.args);
    const nodeOptions = env.map((e) => /^NODE_OPTIONS=(?:"([^"]*)"|(\S+))$/.exec(e)).find(Boolean);
    expect(nodeOptions, 'ENV NODE_OPTIONS in the runtime stage').to.not.equal(undefined);
    const cap = /--max-old-space-size=(\d+)/.exec(nodeOptions![1] ?? nodeOptions![2] ?? '');
    expect(cap, 'NODE_OPTIONS sets --max-old-space-size').to.not.equal(null);
    const capMiB = Number(cap![1]);
    // Measured (BENCHMARKS.md): RSS runs about 100 MiB above the heap (young generation, code, buffers).
    const limit = exporterPod(render('manifests/base')).container.resources?.limits?.memory ?? '';
    const limitMiB = /^(\d+)Mi$/.exec(limit) ? Number(limit.slice(0, -2)) : /^(\d+)Gi$/.exec(limit) ? Number(limit.slice(0, -2)) * 1024 : NaN;
    expect(limitMiB, `limit ${limit} vs heap cap ${capMiB} MiB`).to.be.at.least(capMiB + 160);
    // The cap applies to the exporter, not to npm installing dependencies earlier in the stage.
    const envLine = of(runtime, 'ENV').find((i) => i.args.startsWith('NODE_OPTIONS'))!.line;
    expect(of(runtime, 'RUN').every((r) => r.line < envLine)).to.be.true;
  });

  it('exposes the default listen port', () => {
    const port = loadConfig({}).listenAddress.split(':').pop();
    expect(of(runtime, 'EXPOSE').map((i) => i.args)).to.deep.equal([port]);
  });

  it('ships every file the compiled code opens relative to itself (new URL(..., import.meta.url))', () => {
    const shipped = copiedInto(runtime);
    for (const file of filesUnder('src').filter((f) => f.endsWith('.ts'))) {
      for (const m of read(file).matchAll(/new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g)) {
        const compiledDir = posix.join(workdir(runtime), buildConfig.outDir!, posix.dirname(posix.relative(buildConfig.rootDir!, file)));
        const target = posix.resolve(compiledDir, m[1]!);
        expect(under(target, shipped), `${file} opens ${relative('/', target)}`).to.be.true;
      }
    }
  });

  it('ships every runbook the exporter serves, where the compiled runbook library reads them (dist/runbooks -> ../../docs/runbooks)', () => {
    const shipped = copiedInto(runtime);
    const dir = posix.resolve(workdir(runtime), buildConfig.outDir!, 'runbooks', '../../docs/runbooks');
    for (const f of readdirSync(join(PROJECT_ROOT, 'docs/runbooks')).filter((x) => x.endsWith('.md'))) {
      expect(under(posix.join(dir, f), shipped), f).to.be.true;
      expect(inBuildContext(dockerignore, `docs/runbooks/${f}`), `${f} is in the build context`).to.be.true;
    }
  });

  it('runs code that imports only production dependencies (the runtime stage has no others)', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    for (const file of filesUnder('src').filter((f) => f.endsWith('.ts'))) {
      const text = read(file);
      // Type-only imports are erased by the compiler; every other import is loaded at run time.
      const specifiers = [
        ...[...text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!),
        ...[...text.matchAll(/^import\s+'([^']+)'/gm)].map((m) => m[1]!),
        ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/^export\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!),
      ];
      for (const spec of specifiers) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        expect(allowed.has(name), `${file} imports ${spec}`).to.be.true;
      }
    }
  });
});
