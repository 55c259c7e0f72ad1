// What the unit tier's renderer (test/support/manifests/kustomize-lite.ts) and schemas cannot check
// alone: every kustomization renders to the same objects with `kubectl kustomize` (where kubectl is
// installed), docs/deploy.md's release-name example too, and no object has a field its Kubernetes
// type does not know (the TypeScript compiler's excess-property check).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { objectId, renderKustomization, type KubeObject } from '../../support/manifests/kustomize-lite.js';
import { entryPoints, PROJECT_ROOT, render } from '../../support/manifests/paths.js';
import { layOutReleaseExample, type ReleaseExample } from '../../support/manifests/release-example.js';
import { onPath } from '../../support/tools.js';
import { unknownFields } from './unknown-fields.js';

/** `kubectl kustomize DIR` as objects. */
function kubectlKustomize(dir: string): KubeObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

const byId = (objects: KubeObject[]): Record<string, KubeObject> => Object.fromEntries(objects.map((o) => [objectId(o), o]));

describe('manifests: every kustomization, with kubectl and tsc', function () {
  this.timeout(30_000);

  describe('as `kubectl kustomize` renders it (skipped where kubectl is not installed)', function () {
    before(function () {
      if (!onPath('kubectl')) this.skip();
    });

    for (const entry of entryPoints()) {
      it(`${entry} renders to the same objects`, () => {
        expect(byId(render(entry))).to.deep.equal(byId(kubectlKustomize(join(PROJECT_ROOT, entry))));
      });
    }

    describe("docs/deploy.md's example of another Helm release name", () => {
      let example: ReleaseExample | undefined;
      before(() => (example = layOutReleaseExample()));
      after(() => example?.remove());

      it('renders to the same objects', () => {
        expect(byId(renderKustomization(example!.overlay))).to.deep.equal(byId(kubectlKustomize(example!.overlay)));
      });
    });
  });

  for (const entry of entryPoints()) {
    it(`${entry} has no field unknown to its schema (the API server would reject it)`, async () => {
      const objects = render(entry);
      expect(await unknownFields(objects.map((obj) => ({ id: objectId(obj), obj })), PROJECT_ROOT)).to.deep.equal([]);
    });
  }

  it('the unknown-field check names a misspelt field and the object it is in', async () => {
    const typo = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'x' },
      automountServiceAccountTokn: false,
    } as unknown as KubeObject;
    const problems = await unknownFields([{ id: 'v1/ServiceAccount//x', obj: typo }], PROJECT_ROOT);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^v1\/ServiceAccount\/\/x: .*automountServiceAccountTokn/);
  });
});
