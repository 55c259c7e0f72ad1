// Realistic API objects as the API server returns them (JSON, trimmed of managedFields), modelled on
// the upstream Helm charts and manifests: Istio's ztunnel and istio-cni DaemonSets, upstream
// kube-flannel, and the Talos kube-flannel DaemonSet in kube-system.

export const T0 = '2026-03-01T10:00:00Z';
export const T0_MS = Date.parse(T0);

const running = (name: string, startedAt = T0) => ({
  name,
  ready: true,
  restartCount: 0,
  started: true,
  image: `docker.io/istio/${name}:1.28.0`,
  imageID: '',
  containerID: 'containerd://0a1b2c',
  state: { running: { startedAt } },
  lastState: {},
});

const podConditions = (ready: boolean) => [
  { type: 'PodReadyToStartContainers', status: ready ? 'True' : 'False', lastTransitionTime: T0 },
  { type: 'Initialized', status: 'True', lastTransitionTime: T0 },
  { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: T0 },
  { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: T0 },
  { type: 'PodScheduled', status: 'True', lastTransitionTime: T0 },
];

export const ztunnelPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'ztunnel-7xk2p',
    generateName: 'ztunnel-',
    namespace: 'istio-system',
    uid: '5d1c7f0e-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
    resourceVersion: '18231',
    creationTimestamp: T0,
    labels: {
      app: 'ztunnel',
      'app.kubernetes.io/name': 'ztunnel',
      'app.kubernetes.io/part-of': 'istio',
      'controller-revision-hash': '6d9f8c7b5',
      'istio.io/dataplane-mode': 'none',
      'pod-template-generation': '1',
      'sidecar.istio.io/inject': 'false',
    },
    annotations: {
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/inject': 'false',
    },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ztunnel', uid: 'ds-1', controller: true }],
  },
  spec: {
    nodeName: 'worker-1',
    serviceAccountName: 'ztunnel',
    containers: [
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/ztunnel:1.28.0',
        ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
        readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } },
      },
    ],
    priorityClassName: 'system-node-critical',
  },
  status: {
    phase: 'Running',
    hostIP: '192.168.1.11',
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    conditions: podConditions(true),
    containerStatuses: [{ ...running('istio-proxy'), image: 'docker.io/istio/ztunnel:1.28.0' }],
    qosClass: 'Burstable',
    startTime: T0,
  },
};

export const cniPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'istio-cni-node-q9r4m',
    namespace: 'istio-system',
    uid: 'c0ffee00-0000-4000-8000-000000000001',
    resourceVersion: '18102',
    creationTimestamp: T0,
    labels: {
      'app.kubernetes.io/name': 'istio-cni',
      'controller-revision-hash': '7c5b9d4f6',
      'istio.io/dataplane-mode': 'none',
      'k8s-app': 'istio-cni-node',
      'pod-template-generation': '1',
      'sidecar.istio.io/inject': 'false',
    },
    annotations: {
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '15014',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/inject': 'false',
    },
  },
  spec: {
    nodeName: 'worker-1',
    hostNetwork: true,
    containers: [{ name: 'install-cni', image: 'docker.io/istio/install-cni:1.28.0', ports: [{ containerPort: 15014, name: 'metrics' }] }],
  },
  status: {
    phase: 'Running',
    hostIP: '192.168.1.11',
    podIP: '192.168.1.11',
    conditions: podConditions(true),
    containerStatuses: [running('install-cni')],
  },
};

/** A workload pod whose sandbox cannot be created (istio-cni: no ztunnel connection). */
export const containerCreatingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'reviews-v1-5b9c6d7f8-x2kq4',
    namespace: 'bookinfo',
    uid: 'aaaa0000-0000-4000-8000-00000000000a',
    resourceVersion: '19000',
    creationTimestamp: '2026-03-01T10:05:00Z',
    labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5b9c6d7f8' },
  },
  spec: { nodeName: 'worker-2', containers: [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2' }] },
  status: {
    phase: 'Pending',
    hostIP: '192.168.1.12',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'False', lastTransitionTime: '2026-03-01T10:05:00Z' },
      { type: 'Initialized', status: 'True', lastTransitionTime: '2026-03-01T10:05:00Z' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: '2026-03-01T10:05:00Z' },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: '2026-03-01T10:05:00Z' },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-03-01T10:05:00Z' },
    ],
    containerStatuses: [
      {
        name: 'reviews',
        ready: false,
        restartCount: 0,
        started: false,
        image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2',
        imageID: '',
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      },
    ],
  },
};

export const crashLoopPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'ratings-v1-7d8c9b6f5-mm2lp',
    namespace: 'bookinfo',
    uid: 'bbbb0000-0000-4000-8000-00000000000b',
    resourceVersion: '19100',
    creationTimestamp: T0,
    labels: { app: 'ratings', version: 'v1' },
    annotations: { 'ambient.istio.io/redirection': 'enabled' },
  },
  spec: { nodeName: 'worker-1', containers: [{ name: 'ratings', image: 'ratings:1' }] },
  status: {
    phase: 'Running',
    podIP: '10.244.1.9',
    conditions: podConditions(false),
    containerStatuses: [
      {
        name: 'ratings',
        ready: false,
        restartCount: 7,
        started: false,
        image: 'ratings:1',
        imageID: '',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=ratings' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: T0, finishedAt: T0 } },
      },
    ],
  },
};

/** Upstream Documentation/kube-flannel.yml: namespace kube-flannel, app=flannel and k8s-app=flannel. */
export const upstreamFlannelPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'kube-flannel-ds-8hx7w',
    namespace: 'kube-flannel',
    uid: 'f1a00000-0000-4000-8000-000000000001',
    resourceVersion: '900',
    creationTimestamp: T0,
    labels: { app: 'flannel', 'controller-revision-hash': '5d4b8c9f7', 'k8s-app': 'flannel', 'pod-template-generation': '1', tier: 'node' },
  },
  spec: {
    nodeName: 'worker-1',
    hostNetwork: true,
    initContainers: [{ name: 'install-cni-plugin' }, { name: 'install-cni' }],
    containers: [{ name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.28.0', args: ['--ip-masq', '--kube-subnet-mgr'] }],
  },
  status: {
    phase: 'Running',
    podIP: '192.168.1.11',
    conditions: podConditions(true),
    initContainerStatuses: [
      { name: 'install-cni-plugin', ready: true, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'install-cni', ready: true, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    ],
    containerStatuses: [running('kube-flannel')],
  },
};

/** Talos: DaemonSet kube-flannel in kube-system, labels k8s-app=flannel and tier=node only. */
export const talosFlannelPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'kube-flannel-r5t8n',
    namespace: 'kube-system',
    uid: 'f1a00000-0000-4000-8000-000000000002',
    resourceVersion: '901',
    creationTimestamp: T0,
    labels: { 'controller-revision-hash': '86c4b7f9d', 'k8s-app': 'flannel', 'pod-template-generation': '1', tier: 'node' },
  },
  spec: {
    nodeName: 'talos-cp-1',
    hostNetwork: true,
    initContainers: [{ name: 'install-config' }, { name: 'install-cni' }],
    containers: [{ name: 'kube-flannel', image: 'ghcr.io/siderolabs/flannel:v0.27.4' }],
  },
  status: {
    phase: 'Running',
    podIP: '172.20.0.2',
    conditions: podConditions(true),
    containerStatuses: [running('kube-flannel')],
  },
};

/** A pod whose sandbox failed while it has init containers: kubelet reports PodInitializing everywhere. */
export const initializingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'shop', uid: 'cccc', resourceVersion: '1', creationTimestamp: T0 },
  spec: { nodeName: 'worker-3', initContainers: [{ name: 'migrate' }], containers: [{ name: 'web' }] },
  status: {
    phase: 'Pending',
    conditions: podConditions(false),
    initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
    containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
  },
};

export const unscheduledPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'big-0', namespace: 'shop', uid: 'dddd', resourceVersion: '2', creationTimestamp: T0 },
  spec: { containers: [{ name: 'big' }] },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
  },
};

export const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'worker-1',
    uid: 'node-1',
    resourceVersion: '5000',
    creationTimestamp: T0,
    labels: { 'kubernetes.io/hostname': 'worker-1', 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' },
    annotations: {
      'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"9a:3c:1e:5f:7b:20"}',
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/public-ip': '192.168.1.11',
    },
  },
  spec: { podCIDR: '10.244.1.0/24' },
  status: {
    addresses: [
      { type: 'Hostname', address: 'worker-1' },
      { type: 'InternalIP', address: '192.168.1.11' },
      { type: 'InternalIP', address: 'fd00::11' },
    ],
    conditions: [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'DiskPressure', status: 'False' },
      { type: 'PIDPressure', status: 'False' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady' },
    ],
  },
};

export const notReadyNode = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'worker-2', uid: 'node-2', resourceVersion: '5001', labels: {} },
  status: {
    addresses: [{ type: 'Hostname', address: 'worker-2' }],
    conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }],
  },
};

export const bookinfoNamespace = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'bookinfo',
    uid: 'ns-1',
    resourceVersion: '300',
    labels: { 'istio.io/dataplane-mode': 'ambient', 'kubernetes.io/metadata.name': 'bookinfo' },
  },
  status: { phase: 'Active' },
};

/** kubelet's event through the core/v1 API (legacy fields). */
export const sandboxEventLegacy = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'reviews-v1-5b9c6d7f8-x2kq4.17f9a', namespace: 'bookinfo', uid: 'ev-1', resourceVersion: '19050', creationTimestamp: '2026-03-01T10:05:02Z' },
  involvedObject: { kind: 'Pod', namespace: 'bookinfo', name: 'reviews-v1-5b9c6d7f8-x2kq4', uid: 'aaaa0000-0000-4000-8000-00000000000a', apiVersion: 'v1' },
  reason: 'FailedCreatePodSandBox',
  message:
    'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "3f2a": plugin type="istio-cni" name="istio-cni" failed (add): istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): no ztunnel connection',
  source: { component: 'kubelet', host: 'worker-2' },
  firstTimestamp: '2026-03-01T10:05:02Z',
  lastTimestamp: '2026-03-01T10:09:40Z',
  count: 14,
  type: 'Warning',
  eventTime: null,
  reportingComponent: 'kubelet',
  reportingInstance: 'worker-2',
};

/** The same kind of event written through events.k8s.io: eventTime (MicroTime) and series, no lastTimestamp. */
export const sandboxEventSeries = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-0.18a', namespace: 'shop', uid: 'ev-2', resourceVersion: '19060', creationTimestamp: '2026-03-01T10:06:00Z' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'cccc' },
  reason: 'FailedCreatePodSandBox',
  message: 'Failed to create pod sandbox: ... partial add error: no ztunnel connection',
  eventTime: '2026-03-01T10:06:00.123456Z',
  series: { count: 3, lastObservedTime: '2026-03-01T10:08:30.654321Z' },
  reportingComponent: 'kubelet',
  type: 'Warning',
};

export const istiodService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istiod', namespace: 'istio-system', uid: 'svc-1', resourceVersion: '700', labels: { app: 'istiod', istio: 'pilot' } },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.14.20',
    clusterIPs: ['10.96.14.20'],
    selector: { app: 'istiod', istio: 'pilot' },
    ports: [
      { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
      { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
      { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
      { name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014 },
    ],
  },
};

export const istiodEndpointSlice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'istiod-8kx2c',
    namespace: 'istio-system',
    uid: 'eps-1',
    resourceVersion: '710',
    labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': 'istiod' },
  },
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.244.0.7'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'worker-0',
      targetRef: { kind: 'Pod', name: 'istiod-6c8b9d7f4-abcde', namespace: 'istio-system', uid: 'p-1' },
      zone: 'a',
    },
    {
      addresses: ['10.244.2.8'],
      conditions: { ready: false, serving: false, terminating: true },
      nodeName: 'worker-2',
      targetRef: { kind: 'Pod', name: 'istiod-6c8b9d7f4-fghij', namespace: 'istio-system', uid: 'p-2' },
    },
    // conditions.ready unset: "should be interpreted as ready" (discovery/v1 API docs)
    { addresses: ['10.244.3.9'], conditions: {}, nodeName: 'worker-3' },
  ],
  ports: [
    { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
    { name: 'https-dns', port: 15012, protocol: 'TCP' },
    { name: 'https-webhook', port: 15017, protocol: 'TCP' },
    { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
  ],
};
