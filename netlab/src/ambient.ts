// An ambient mesh on the real-kernel overlay lab, for the node agents and the exporter to run on:
// - a Kubernetes API (the lab package's, startObjectApi) on the host's underlay address, serving the
//   lab's Node objects and the pods a cluster would have there: a ztunnel per node (on its first
//   pod's address), istio-cni per node (host network), istiod on the exporter's node (its second
//   pod), and a node agent per node (host network);
// - stand-ins serving real component bodies (test/fixtures/versions, written from upstream) at those
//   addresses and ports, so every scrape and probe is real traffic over the kernel's overlay;
// - node agents (`ambient-exporter agent`) in the node namespaces, unprivileged (uid 65534, every
//   capability dropped), and the exporter (`serve`) in the exporter node's namespace, as a pod with
//   the node's network would run.
// Faults are the lab's, done to the kernel.
import { chmod, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startObjectApi, type KubeObject, type ObjectApi } from 'ambient-lab';
import type { OverlayLab } from './lab.js';
import { UNPRIVILEGED } from './node-checks.js';
import type { NodePlan } from './plan.js';
import { REPO_ROOT, type NetnsProcess } from './processes.js';
import { primaryOverlay } from './flannel.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STAND_IN = path.join(HERE, 'stand-in.ts');
const MODE_RUNNER = path.join(HERE, 'mode-runner.ts');
const BODIES = path.join(REPO_ROOT, 'test', 'fixtures', 'versions');

export const ISTIO_NAMESPACE = 'istio-system';
export const AGENT_NAMESPACE = 'ambient-exporter-agent';
export const AGENT_PORT = 9480;
export const EXPORTER_PORT = 9479;

export interface AmbientOptions {
  /** where the exporter (and istiod) run; default node-1 */
  exporterNode?: string;
  /** the exporter's and the agents' refresh interval; default 1s */
  refreshInterval?: string;
  /** Istio version of the recorded bodies (test/fixtures/versions/<v>); default 1.28 */
  istioVersion?: string;
}

const RFC3339 = '2026-01-01T00:00:00Z';
const meta = (name: string, namespace: string | undefined, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `netlab-${namespace ?? 'cluster'}-${name}`,
  creationTimestamp: RFC3339,
  labels,
  annotations,
});

const READY = [{ type: 'Ready', status: 'True', lastTransitionTime: RFC3339 }];

function runningPod(name: string, namespace: string, node: string, ip: string, labels: Record<string, string>, hostNetwork: boolean, env: { name: string; value: string }[] = []): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, namespace, labels),
    spec: { nodeName: node, hostNetwork, containers: [{ name: 'main', env }] },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: READY,
      containerStatuses: [{ name: 'main', ready: true, state: { running: { startedAt: RFC3339 } } }],
    },
  };
}

export class AmbientOnLab {
  private readonly agents = new Map<string, NetnsProcess>();
  private exporter: NetnsProcess | undefined;

  private constructor(
    readonly lab: OverlayLab,
    readonly api: ObjectApi,
    /** a copy of the API's kubeconfig the unprivileged processes can read */
    readonly kubeconfig: string,
    private readonly o: Required<AmbientOptions>,
  ) {}

  /** Serves the objects and starts the stand-ins; agents and the exporter are started on demand. */
  static async start(lab: OverlayLab, options: AmbientOptions = {}): Promise<AmbientOnLab> {
    const o: Required<AmbientOptions> = { exporterNode: 'node-1', refreshInterval: '1s', istioVersion: '1.28', ...options };
    const host = lab.plan.hostIp;
    if (!host) throw new Error('the lab needs hostAddress: true (the API is served on the host\'s underlay address)');
    if (lab.node(o.exporterNode).pods.length < 2) throw new Error('istiod needs a second pod on the exporter node: podsPerNode >= 2');
    const api = await startObjectApi({ host, objects: objectsOf(lab, o.exporterNode) });
    const kubeconfig = path.join(lab.plan.runDir, 'kubeconfig');
    await copyFile(api.kubeconfigPath, kubeconfig);
    await chmod(kubeconfig, 0o644);
    const mesh = new AmbientOnLab(lab, api, kubeconfig, o);
    try {
      await mesh.startStandIns();
    } catch (err) {
      await api.close();
      throw err;
    }
    return mesh;
  }

  /** a recorded body of the Istio version in use */
  private body(file: string): string {
    return path.join(BODIES, this.o.istioVersion, file);
  }

  private async startStandIns(): Promise<void> {
    const { lab } = this;
    const ztunnel = this.body('ztunnel-healthy.txt');
    const ready = path.join(BODIES, 'readiness-ready.txt');
    const cni = this.body('istio-cni-connected.txt');
    const istiod = path.join(REPO_ROOT, 'test', 'fixtures', 'scrape', 'istiod-1.28.prometheus.txt');
    const starts = lab.nodes.flatMap((n) => {
      const zt = lab.pod(n.name, 0);
      return [
        lab.start(zt.netns, STAND_IN, ['--http', `${zt.ip}:15020:/stats/prometheus=${ztunnel}`, '--http', `${zt.ip}:15021:/healthz/ready=${ready}`]),
        lab.start(n.netns, STAND_IN, ['--http', `${n.publicIp}:15014:/metrics=${cni}`]),
      ];
    });
    const istiodPod = lab.pod(this.o.exporterNode, 1);
    starts.push(lab.start(istiodPod.netns, STAND_IN, ['--http', `${istiodPod.ip}:15014:/metrics=${istiod}`, '--tcp', `${istiodPod.ip}:15012`]));
    await Promise.all(starts);
  }

  agentUrl(node: string): string {
    return `http://${this.lab.node(node).publicIp}:${AGENT_PORT}`;
  }

  get exporterUrl(): string {
    return `http://${this.lab.node(this.o.exporterNode).publicIp}:${EXPORTER_PORT}`;
  }

  get exporterNode(): string {
    return this.o.exporterNode;
  }

  /** The agent of `node`, on its host network, as uid 65534 with every capability dropped. */
  async startAgent(node: string, extraArgs: readonly string[] = []): Promise<void> {
    const n: NodePlan = this.lab.node(node);
    const args = [
      'agent',
      '--node-name', node,
      '--kubeconfig', this.kubeconfig,
      // every address: its peers probe it on its VXLAN device's address as well as its node IP
      '--listen-address', `:${AGENT_PORT}`,
      '--refresh-interval', this.o.refreshInterval,
      '--scrape-timeout', '500ms',
      '--scrape-connect-timeout', '300ms',
      // within a sixth of the 1 s interval; round trips between namespaces take well under a millisecond
      '--probe-timeout', '150ms',
      '--start-jitter', '0s',
      '--cni-conf-dir', n.cniConfDir,
      '--vxlan-port', String(primaryOverlay(n).device.port),
      '--log-level', 'warn',
      ...extraArgs,
    ];
    this.agents.set(node, await this.lab.start(n.netns, MODE_RUNNER, args, { wrapper: UNPRIVILEGED, readyTimeoutMs: 30_000 }));
  }

  async startAgents(): Promise<void> {
    await Promise.all(this.lab.nodes.map((n) => this.startAgent(n.name)));
  }

  async stopAgent(node: string): Promise<void> {
    await this.agents.get(node)?.stop();
    this.agents.delete(node);
  }

  /** The exporter in the exporter node's namespace (a pod with the node's network), unprivileged. */
  async startExporter(extraArgs: readonly string[] = []): Promise<void> {
    const n = this.lab.node(this.o.exporterNode);
    const args = [
      'serve',
      '--kubeconfig', this.kubeconfig,
      '--listen-address', `${n.publicIp}:${EXPORTER_PORT}`,
      '--node-name', n.name,
      '--refresh-interval', this.o.refreshInterval,
      '--scrape-timeout', '500ms',
      '--scrape-connect-timeout', '300ms',
      '--log-level', 'warn',
      ...extraArgs,
    ];
    this.exporter = await this.lab.start(n.netns, MODE_RUNNER, args, { wrapper: UNPRIVILEGED, readyTimeoutMs: 30_000 });
  }

  async stopExporter(): Promise<void> {
    await this.exporter?.stop();
    this.exporter = undefined;
  }

  /** Stops what it started (the lab's stop() would too) and the API. */
  async close(): Promise<void> {
    await this.stopExporter();
    await Promise.all([...this.agents.keys()].map((n) => this.stopAgent(n)));
    await this.api.close();
  }
}

/** The Kubernetes objects of an ambient mesh on the lab's nodes. */
export function objectsOf(lab: OverlayLab, exporterNode: string): KubeObject[] {
  const istiod = lab.pod(exporterNode, 1);
  const namespaces = [ISTIO_NAMESPACE, AGENT_NAMESPACE, 'ambient-exporter'].map(
    (name): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(name, undefined, { 'kubernetes.io/metadata.name': name }), status: { phase: 'Active' } }),
  );
  const nodes = lab.nodeObjects().map(
    (n): KubeObject => ({ ...n, metadata: { ...meta(n.metadata.name, undefined, n.metadata.labels, n.metadata.annotations) }, status: { ...n.status, conditions: READY } }),
  );
  const xds = [{ name: 'XDS_ADDRESS', value: `istiod.${ISTIO_NAMESPACE}.svc:15012` }];
  const pods = lab.nodes.flatMap((n) => [
    runningPod(`ztunnel-${n.name}`, ISTIO_NAMESPACE, n.name, lab.pod(n.name, 0).ip, { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel' }, false, xds),
    runningPod(`istio-cni-node-${n.name}`, ISTIO_NAMESPACE, n.name, n.publicIp, { 'k8s-app': 'istio-cni-node' }, true),
    runningPod(`ambient-exporter-agent-${n.name}`, AGENT_NAMESPACE, n.name, n.publicIp, { 'app.kubernetes.io/name': 'ambient-exporter-agent' }, true),
  ]);
  pods.push(runningPod('istiod-0', ISTIO_NAMESPACE, exporterNode, istiod.ip, { app: 'istiod' }, false));
  const ports = [
    { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
    { name: 'https-dns', port: 15012, protocol: 'TCP' },
    { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
  ];
  // headless: the lab has no kube-proxy to translate a ClusterIP, so the dial probes go to the endpoint
  const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: meta('istiod', ISTIO_NAMESPACE, { app: 'istiod' }), spec: { clusterIP: 'None', ports } };
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta('istiod-netlab', ISTIO_NAMESPACE, { 'kubernetes.io/service-name': 'istiod' }),
    addressType: 'IPv4',
    endpoints: [{ addresses: [istiod.ip], conditions: { ready: true }, nodeName: exporterNode, targetRef: { kind: 'Pod', name: 'istiod-0', namespace: ISTIO_NAMESPACE } }],
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
  };
  return [...namespaces, ...nodes, ...pods, service, slice];
}
