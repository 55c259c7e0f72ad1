// The node agents' manifests (manifests/agent, and the overlay that adds them to the base): the
// DaemonSet runs `agent` on every node with exactly the privileges its checks state
// (src/agent/checks/requirements.ts), as its own service account allowed exactly what its
// informers read, in a namespace whose Pod Security level admits it; the exporter finds and
// reaches it.
import { expect } from 'chai';
import { AGENT_SETTINGS, resolveAgentConfig } from '../../../src/agent/config.js';
import { CHECK_REQUIREMENTS } from '../../../src/agent/checks/index.js';
import { agentWatchedResources } from '../../../src/agent/kube/resources.js';
import { parseSettingArgs } from '../../../src/cli-flags.js';
import { podRole } from '../../../src/kube/cluster-state.js';
import { toPodInfo } from '../../../src/kube/convert.js';
import { resolvePodConfig, type Container, type PodSpec } from './exporter-pod.js';
import type { KubeObject } from '../../support/manifests/kustomize-lite.js';
import { findObject, render } from '../../support/manifests/paths.js';
import { baselineViolations, restrictedViolations } from './pod-security.js';
import { boundRules, grant, grantsOf } from './rbac.js';

interface Template {
  metadata: { labels: Record<string, string> };
  spec: PodSpec & { tolerations?: { key?: string; operator?: string; effect?: string }[]; dnsPolicy?: string; nodeSelector?: Record<string, string> };
}

const FIELDS: Record<string, string> = { 'spec.nodeName': 'node-a', 'status.hostIP': '192.168.1.11' };

function agentOf(objects: KubeObject[]) {
  const ds = findObject(objects, 'DaemonSet', 'ambient-exporter-agent');
  const template = (ds.spec as { template: Template }).template;
  const container = template.spec.containers.find((c) => c.name === 'agent') as Container;
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? FIELDS[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']));
  const args = (container.args ?? []).map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (m, n: string) => env[n] ?? m));
  return { ds, template, container, args, namespace: ds.metadata.namespace ?? 'default' };
}

describe('manifests: the node agents', () => {
  for (const entry of ['manifests/agent', 'manifests/overlays/agents']) {
    describe(entry, () => {
      const objects = render(entry);
      const { template, container, args, namespace } = agentOf(objects);
      const spec = template.spec;
      const [command, ...rest] = args;
      const { flags, file } = parseSettingArgs('agent', AGENT_SETTINGS, rest);
      const config = resolveAgentConfig({ flags, file, env: {} });

      it('runs `agent` for its own node (downward API), on every address of the node (its peers probe its VXLAN address), reading the mounted CNI directory', () => {
        expect(command).to.equal('agent');
        expect(config.nodeName).to.equal('node-a');
        expect(config.listenAddress).to.equal(':9480');
        const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === config.cniConfDir);
        expect(mount, 'the CNI directory the agent reads is mounted').to.not.equal(undefined);
        expect(mount?.readOnly).to.equal(true);
        const volume = spec.volumes?.find((v) => v.name === mount?.name) as { hostPath?: { path: string } } | undefined;
        expect(volume?.hostPath?.path).to.equal('/etc/cni/net.d');
      });

      it('asks for exactly what its checks state: the host network, the host paths read-only, no capability', () => {
        const needs = Object.values(CHECK_REQUIREMENTS);
        expect(spec.hostNetwork).to.equal(needs.some((r) => r.hostNetwork));
        expect(spec.hostPID ?? false).to.equal(false);
        expect(spec.hostIPC ?? false).to.equal(false);
        const hostPaths = (spec.volumes ?? []).flatMap((v) => { const h = v.hostPath as { path: string } | undefined; return h ? [h.path] : []; });
        expect(hostPaths.sort()).to.deep.equal([...new Set(needs.flatMap((r) => r.hostPaths))].sort());
        for (const m of container.volumeMounts ?? []) {
          const v = spec.volumes?.find((x) => x.name === m.name);
          if (v && 'hostPath' in v) expect(m.readOnly, m.name).to.equal(true);
        }
        const sc = container.securityContext as { capabilities?: { drop?: string[]; add?: string[] }; allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; privileged?: boolean };
        expect(sc.capabilities?.drop).to.deep.equal(['ALL']);
        expect(sc.capabilities?.add ?? []).to.deep.equal(needs.flatMap((r) => r.capabilities));
        expect(sc).to.include({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(sc.privileged ?? false).to.equal(false);
        expect(spec.dnsPolicy, 'reaches the API by its Service name from the host network').to.equal('ClusterFirstWithHostNet');
      });

      it('breaks the restricted and baseline profiles only where the checks need it (host network and its host port, the hostPath): its namespace enforces privileged', () => {
        expect(restrictedViolations(spec)).to.deep.equal(['host namespaces', 'volume cni-net-d: type hostPath not allowed']);
        expect(baselineViolations(spec)).to.deep.equal(['host namespaces', 'volume cni-net-d: hostPath', 'container agent: host port 9480']);
        const ns = findObject(objects, 'Namespace', namespace);
        expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).to.equal('privileged');
        expect(namespace, 'not the exporter\'s namespace, which stays restricted').to.not.equal('ambient-exporter');
      });

      it('runs on every node, whatever it is tainted with, and stays out of the mesh', () => {
        expect(spec.tolerations).to.deep.equal([{ operator: 'Exists' }]);
        expect(template.metadata.labels).to.include({ 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' });
        const ns = findObject(objects, 'Namespace', namespace);
        expect(ns.metadata.labels).to.include({ 'istio.io/dataplane-mode': 'none' });
      });

      it('probes /healthz and /readyz on its port, requests CPU and memory, caps memory only', () => {
        expect(container.livenessProbe?.httpGet).to.deep.equal({ path: '/healthz', port: 'http-summary' });
        expect(container.readinessProbe?.httpGet).to.deep.equal({ path: '/readyz', port: 'http-summary' });
        expect(container.ports).to.deep.equal([{ name: 'http-summary', containerPort: 9480, protocol: 'TCP' }]);
        expect(Object.keys(container.resources?.requests ?? {}).sort()).to.deep.equal(['cpu', 'memory']);
        expect(Object.keys(container.resources?.limits ?? {})).to.deep.equal(['memory']);
      });

      it('is allowed exactly the list and watch of what it reads (every Node, the pods by field selector)', () => {
        const sa = { name: spec.serviceAccountName ?? 'default', namespace };
        expect(sa.name).to.equal('ambient-exporter-agent');
        const expected = agentWatchedResources('node-a').flatMap((r) => r.verbs.map((v) => grant('cluster', r.group, r.plural, v)));
        expect(grantsOf(boundRules(objects, sa))).to.deep.equal([...new Set(expected)].sort());
      });
    });
  }

  describe('manifests/overlays/agents: the exporter finds and reads them', () => {
    const objects = render('manifests/overlays/agents');
    const { template, namespace } = agentOf(objects);
    const exporter = resolvePodConfig(objects);

    it('takes their pods for agents (label, namespace) and reads the port they serve on', () => {
      const pod = toPodInfo({ metadata: { name: 'agent-x', namespace, labels: template.metadata.labels }, spec: { nodeName: 'node-a' } });
      expect(podRole(pod, exporter.istioNamespace, exporter.agentNamespace)).to.equal('agent');
      expect(exporter.agentPort).to.equal(9480);
    });

    it("runs the exporter's image (one image, one `images:` entry to point both at a registry)", () => {
      const images = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet').map((o) => (o.spec as { template: Template }).template.spec.containers[0]!.image);
      expect(images).to.have.length(2);
      expect(new Set(images).size).to.equal(1);
    });
  });
});
