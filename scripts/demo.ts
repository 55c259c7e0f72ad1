// `npm run demo` (`ambient-exporter demo` from a source checkout): the lab and the exporter against
// it in one process, ready to browse. This is the one module that composes the two packages, so it
// lives outside both: the exporter's build holds no lab code and the lab imports nothing from the
// exporter. The exporter's CLI loads it by path at run time (src/dev-tools.ts).
import { runLabCommand, type Lab } from 'ambient-lab';
import { resolveConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { DemoOptions } from '../src/dev-tools.js';
import { startServe, type Exporter } from '../src/serve/index.js';

/**
 * Runs until SIGINT/SIGTERM. Rejects with the exporter's start-up error (a ConfigError for a listen
 * address that cannot be used) once the lab is closed again, so the command exits as `serve` does.
 */
export async function runDemo(opts: DemoOptions): Promise<void> {
  let exporter: Exporter | undefined;
  let failure: unknown;
  const lines: string[] = [];
  // On SIGINT/SIGTERM the exporter stops first, then the lab, so no watch sees the API vanish.
  const stopLab = new AbortController();
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void (exporter?.close() ?? Promise.resolve()).finally(() => stopLab.abort());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await runLabCommand({
    nodes: opts.nodes,
    faults: opts.fault,
    signal: stopLab.signal,
    handleSignals: false,
    print: (line) => lines.push(line),
    onReady: (lab: Lab) => {
      const fail = (err: unknown): void => {
        failure = err;
        stop();
      };
      let config: Config;
      try {
        config = resolveConfig({
          flags: {
            kubeconfig: lab.kubeconfigPath,
            listenAddress: opts.listenAddress,
            refreshInterval: '5s',
            scrapeTimeout: '1s',
            nodeName: lab.istiodNode,
            logFormat: 'text',
            'enrollment.namespaces': lab.enrollment.namespaces,
          },
          env: {},
        });
      } catch (err) {
        fail(err);
        return;
      }
      const log = createLogger({ level: 'warn', format: 'text' });
      startServe(config, { logger: log })
        .then(async (e) => {
          exporter = e;
          await e.ready();
          const out = (l: string) => process.stdout.write(`${l}\n`);
          const banner = lines.filter((l) => !l.startsWith('Point the exporter') && !l.includes('ambient-exporter serve'));
          const switchAt = banner.findIndex((l) => l.startsWith('Switch faults'));
          for (const l of banner.slice(0, switchAt)) out(l);
          out(`Exporter:     ${e.url}/  (status page)`);
          out(`              ${e.url}/metrics`);
          out(`At a glance:  curl -s ${e.url}/metrics | grep -E '^ambient_(issue_affected|node_issue|namespace_issue)'`);
          out('');
          for (const l of banner.slice(switchAt)) out(l);
          out('Values refresh every 5 s.');
        })
        .catch(fail);
    },
  });
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
}
