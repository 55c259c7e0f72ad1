// The exporter's Deployment, Service, Namespace and NetworkPolicy, checked for what an operator
// relies on: it starts with a valid configuration, is probed on the right endpoints, runs locked
// down, stays out of the mesh, and may reach exactly what it scrapes and probes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { ISTIOD_POD_LABELS, LABEL_DATAPLANE_MODE, PORTS, ZTUNNEL_POD_LABELS } from '../../../src/istio.js';
import { containerEnv, exporterPod, resolvePodConfig } from './exporter-pod.js';
import { egressAllowed, egressPorts, ingressAllowed, type NetworkPolicySpec } from './network-policy.js';
import { entryPoints, findObject, PROJECT_ROOT, render } from '../../support/manifests/paths.js';
import { restrictedViolations } from './pod-security.js';

/** `npm run bench:scale` at 1,000 nodes with agents, the image's heap cap (BENCHMARKS.md) */
const SCALE_1000 = { peakRssMiB: 257, cpuSecondsPerRound: 1.32 };
/** ... and at 5,000 nodes with a 640 MiB heap (the larger of the runs without and with peer consensus) */
const SCALE_5000 = { peakRssMiB: 588, cpuSecondsPerRound: 4.77 };
const mebibytes = (q: string): number => (/^\d+Mi$/.test(q) ? Number(q.slice(0, -2)) : /^\d+Gi$/.test(q) ? Number(q.slice(0, -2)) * 1024 : NaN);
const millicores = (q: string): number => (/^\d+m$/.test(q) ? Number(q.slice(0, -1)) : /^\d+(\.\d+)?$/.test(q) ? Number(q) * 1000 : NaN);

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

describe('manifests: the exporter workload', () => {
  for (const entry of entryPoints()) {
    describe(entry, () => {
      const objects = render(entry);
      const pod = exporterPod(objects);
      const config = resolvePodConfig(objects);
      const listenPort = Number(config.listenAddress.split(':').pop());

      it('runs one replica of `serve` with the mounted config, JSON logs and its node from the downward API', () => {
        expect((pod.deployment.spec as { replicas: number }).replicas).to.equal(1);
        expect(pod.container.args?.[0]).to.equal('serve');
        expect(config.logFormat).to.equal('json');
        expect(config.kube).to.equal(true);
        expect(config.nodeName).to.equal('node-a');
        expect(containerEnv(pod.container)).to.include({ AMBIENT_NODE_NAME: 'node-a' });
      });

      it('never runs two exporters at once, not even during an update (strategy Recreate)', () => {
        // a rolling update would run old and new side by side, and every summed series would count twice
        expect((pod.deployment.spec as { strategy?: { type: string; rollingUpdate?: unknown } }).strategy).to.deep.equal({ type: 'Recreate' });
      });

      it('uses the image tagged with the package version', () => {
        expect(pod.container.image).to.equal(`ambient-exporter:${pkg.version}`);
      });

      it('probes /healthz for liveness and /readyz for readiness on the port it listens on', () => {
        const port = pod.container.ports?.find((p) => p.name === 'http-metrics');
        expect(port?.containerPort).to.equal(listenPort).and.to.equal(9479);
        expect(pod.container.livenessProbe?.httpGet).to.deep.equal({ path: '/healthz', port: 'http-metrics' });
        expect(pod.container.readinessProbe?.httpGet).to.deep.equal({ path: '/readyz', port: 'http-metrics' });
      });

      it('requests CPU and memory and caps memory', () => {
        expect(pod.container.resources?.requests).to.have.keys('cpu', 'memory');
        expect(pod.container.resources?.limits).to.have.property('memory');
      });

      it('requests what the exporter measured at 1,000 nodes with agents (BENCHMARKS.md): its peak RSS, its CPU per round over the interval', () => {
        const requests = pod.container.resources?.requests ?? {};
        expect(mebibytes(String(requests.memory))).to.be.at.least(SCALE_1000.peakRssMiB);
        expect(millicores(String(requests.cpu))).to.be.at.least((SCALE_1000.cpuSecondsPerRound / 15) * 1000);
      });

      it('runs as user 65532, non-root, read-only, with no capabilities and the runtime seccomp profile', () => {
        expect(pod.spec.securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.container.securityContext).to.deep.equal({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      });

      it('meets the restricted Pod Security Standard its namespace enforces', () => {
        const ns = findObject(objects, 'Namespace', pod.namespace);
        expect(ns.metadata.labels).to.include({ 'pod-security.kubernetes.io/enforce': 'restricted' });
        expect(restrictedViolations(pod.spec)).to.deep.equal([]);
      });

      it('is never captured by ambient nor given a sidecar', () => {
        expect(pod.labels).to.include({ [LABEL_DATAPLANE_MODE]: 'none', 'sidecar.istio.io/inject': 'false' });
      });

      it('is behind Service port 9479 named http-metrics', () => {
        const svc = findObject(objects, 'Service', 'ambient-exporter', pod.namespace);
        const spec = svc.spec as { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
        expect(pod.labels).to.include(spec.selector);
        expect(spec.ports).to.deep.equal([{ name: 'http-metrics', port: 9479, targetPort: 'http-metrics', protocol: 'TCP' }]);
      });

      describe('NetworkPolicy', () => {
        const policy = findObject(objects, 'NetworkPolicy', 'ambient-exporter', pod.namespace);
        const spec = policy.spec as NetworkPolicySpec;
        const istio = (labels: Record<string, string>) => ({ pod: { namespace: config.istioNamespace, labels } });
        const offPodNetwork = { address: 'host-or-external' } as const;

        it('selects the exporter pod and restricts both directions', () => {
          expect(pod.labels).to.include(spec.podSelector.matchLabels ?? {});
          expect(spec.policyTypes).to.have.members(['Ingress', 'Egress']);
        });

        it('admits scrapes of 9479 from a Prometheus in any namespace, and nothing else', () => {
          const prometheus = { pod: { namespace: 'monitoring', labels: { app: 'prometheus' } } };
          expect(ingressAllowed(spec, listenPort, 'TCP', prometheus)).to.be.true;
          expect(ingressAllowed(spec, 22, 'TCP', prometheus)).to.be.false;
        });

        it('lets the exporter reach the API server (443 or 6443) and DNS wherever they run', () => {
          for (const port of [443, 6443]) expect(egressAllowed(spec, port, 'TCP', offPodNetwork), `TCP ${port}`).to.be.true;
          expect(egressAllowed(spec, 53, 'UDP', offPodNetwork)).to.be.true;
          expect(egressAllowed(spec, 53, 'TCP', offPodNetwork)).to.be.true;
        });

        it('lets the exporter scrape and probe ztunnel, istiod and istio-cni on their ports', () => {
          const ztunnel = istio({ ...ZTUNNEL_POD_LABELS, 'app.kubernetes.io/name': 'ztunnel' });
          const istiod = istio({ ...ISTIOD_POD_LABELS, istio: 'pilot' });
          expect(egressAllowed(spec, PORTS.ztunnelStats, 'TCP', ztunnel)).to.be.true;
          expect(egressAllowed(spec, PORTS.ztunnelReadiness, 'TCP', ztunnel)).to.be.true;
          expect(egressAllowed(spec, PORTS.istiodXds, 'TCP', istiod)).to.be.true;
          expect(egressAllowed(spec, PORTS.istiodMonitoring, 'TCP', istiod)).to.be.true;
          // istio-cni runs on the host network: only a port-only rule can admit it.
          expect(egressAllowed(spec, PORTS.cniMonitoring, 'TCP', offPodNetwork)).to.be.true;
        });

        it("lets the exporter read the node agents' summaries on 9480 of each node's address (they run on the host network)", () => {
          expect(egressAllowed(spec, config.agentPort, 'TCP', offPodNetwork)).to.be.true;
        });

        it('keeps the API server ports in the second egress rule, where docs/deploy.md\'s patch adds another', () => {
          expect(spec.egress?.[1]?.to).to.equal(undefined);
          expect(spec.egress?.[1]?.ports).to.deep.equal([
            { protocol: 'TCP', port: 443 },
            { protocol: 'TCP', port: 6443 },
          ]);
        });

        it('lets the xDS dial probe reach a host-network istiod (a blocked probe would page AmbientIstiodXdsUnreachable)', () => {
          expect(egressAllowed(spec, PORTS.istiodXds, 'TCP', offPodNetwork)).to.be.true;
        });

        it('lets the exporter reach ztunnel in kube-system, where GKE runs it', () => {
          const gkeZtunnel = { pod: { namespace: 'kube-system', labels: { ...ZTUNNEL_POD_LABELS } } };
          expect(egressAllowed(spec, PORTS.ztunnelStats, 'TCP', gkeZtunnel)).to.be.true;
          expect(egressAllowed(spec, PORTS.ztunnelReadiness, 'TCP', gkeZtunnel)).to.be.true;
          const elsewhere = { pod: { namespace: 'shop', labels: { ...ZTUNNEL_POD_LABELS } } };
          expect(egressAllowed(spec, PORTS.ztunnelStats, 'TCP', elsewhere), 'a pod labelled app=ztunnel in a workload namespace').to.be.false;
        });

        it('keeps the ztunnel ports to ztunnel pods, and opens no other port', () => {
          const other = { pod: { namespace: 'shop', labels: { app: 'web' } } };
          expect(egressAllowed(spec, PORTS.ztunnelStats, 'TCP', other)).to.be.false;
          expect(egressAllowed(spec, PORTS.ztunnelReadiness, 'TCP', other)).to.be.false;
          expect(egressPorts(spec)).to.deep.equal(['TCP/15012', 'TCP/15014', 'TCP/15020', 'TCP/15021', 'TCP/443', 'TCP/53', 'TCP/6443', 'TCP/9480', 'UDP/53']);
        });
      });
    });
  }
});

describe('manifests: enrollment policy overlay', () => {
  it('gives the exporter the example policy: two namespaces, a selector, and itself excluded', () => {
    const config = resolvePodConfig(render('manifests/overlays/enrollment-policy'));
    expect(config.enrollment.namespaces).to.deep.equal(['shop', 'payments']);
    expect(config.enrollment.selector).to.equal('mesh-policy=ambient');
    expect(config.enrollment.exclude).to.include.members(['kube-system', 'istio-system', 'kube-flannel', 'ambient-exporter']);
  });

  it('leaves the base without an expectation, so no namespace is reported as missing from the mesh', () => {
    const config = resolvePodConfig(render('manifests/base'));
    expect(config.enrollment.namespaces).to.deep.equal([]);
    expect(config.enrollment.selector).to.equal(undefined);
  });

  it("docs/deploy.md's patch for 5,000 nodes follows the sizing rule: requests cover what was measured, the limit the heap cap plus 200 MiB", () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');
    const block = /At 5,000 nodes[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const patch = parseYaml(block) as { path: string; value: { value?: string; requests?: Record<string, string>; limits?: Record<string, string> } }[];
    const cap = Number(/--max-old-space-size=(\d+)/.exec(patch.find((op) => op.path.endsWith('/env/-'))?.value.value ?? '')?.[1]);
    const resources = patch.find((op) => op.path.endsWith('/resources'))?.value;
    expect(cap).to.be.above(160);
    expect(mebibytes(resources?.limits?.memory ?? '')).to.be.at.least(cap + 200);
    expect(mebibytes(resources?.requests?.memory ?? '')).to.be.at.least(SCALE_5000.peakRssMiB);
    expect(millicores(resources?.requests?.cpu ?? '')).to.be.at.least((SCALE_5000.cpuSecondsPerRound / 15) * 1000);
  });
});
