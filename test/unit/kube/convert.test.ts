import { expect } from 'chai';
import {
  toEndpointAddresses,
  toEndpointSliceInfo,
  imageTag,
  toMillis,
  toNamespaceInfo,
  toNodeInfo,
  toPodEventInfo,
  toPodInfo,
  toServiceInfo,
} from '../../../src/kube/convert.js';
import {
  ANNOTATION_REDIRECTION,
  ANNOTATION_SIDECAR_STATUS,
  CNI_POD_LABELS,
  FLANNEL_BACKEND_DATA,
  FLANNEL_BACKEND_TYPE,
  FLANNEL_POD_LABELS,
  FLANNEL_POD_LABELS_UPSTREAM,
  ISTIOD_POD_LABELS,
  LABEL_DATAPLANE_MODE,
  NODE_ANNOTATION_KEYS,
  POD_ANNOTATION_KEYS,
  POD_LABEL_KEYS,
  ZTUNNEL_POD_LABELS,
} from '../../../src/istio.js';
import type { PodInfo } from '../../../src/model.js';
import * as fx from '../../support/kube-objects.js';

describe('kube/convert', () => {
  describe('toPodInfo', () => {
    type Expect = Partial<PodInfo>;
    const cases: [string, unknown, Expect][] = [
      [
        'ztunnel DaemonSet pod, running and ready',
        fx.ztunnelPod,
        {
          namespace: 'istio-system',
          name: 'ztunnel-7xk2p',
          uid: '5d1c7f0e-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
          node: 'worker-1',
          phase: 'Running',
          ip: '10.244.1.5',
          hostNetwork: false,
          ready: true,
          started: true,
          waitingReason: '',
          createdAt: fx.T0_MS,
          terminating: false,
        },
      ],
      ['istio-cni pod on the host network', fx.cniPod, { hostNetwork: true, ip: '192.168.1.11', ready: true, started: true }],
      [
        'workload stuck in ContainerCreating',
        fx.containerCreatingPod,
        { phase: 'Pending', ip: '', node: 'worker-2', ready: false, started: false, waitingReason: 'ContainerCreating' },
      ],
      ['CrashLoopBackOff pod', fx.crashLoopPod, { phase: 'Running', ready: false, started: false, waitingReason: 'CrashLoopBackOff' }],
      ['upstream kube-flannel pod (init containers completed)', fx.upstreamFlannelPod, { namespace: 'kube-flannel', hostNetwork: true, started: true, ready: true }],
      ['Talos flannel pod in kube-system', fx.talosFlannelPod, { namespace: 'kube-system', node: 'talos-cp-1', started: true }],
      ['pod with init containers before its sandbox exists', fx.initializingPod, { started: false, waitingReason: 'PodInitializing' }],
      ['unscheduled pod', fx.unscheduledPod, { node: '', phase: 'Pending', ip: '', ready: false, started: false, waitingReason: '' }],
      ['empty object', {}, { namespace: '', name: '', node: '', phase: '', ready: false, started: false, labels: {}, annotations: {}, createdAt: 0, terminating: false }],
    ];
    for (const [name, raw, want] of cases) {
      it(name, () => {
        expect(toPodInfo(raw as never)).to.deep.include(want);
      });
    }

    it('keeps only the labels and annotations the exporter reads, as copies', () => {
      const info = toPodInfo(fx.ztunnelPod);
      expect(info.labels).to.deep.equal({ app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'istio.io/dataplane-mode': 'none' });
      expect(info.annotations, 'prometheus.io/* and sidecar.istio.io/inject are not read').to.deep.equal({});
      expect(toPodInfo(fx.crashLoopPod).annotations).to.deep.equal({ 'ambient.istio.io/redirection': 'enabled' });
      expect(toPodInfo(fx.talosFlannelPod).labels).to.deep.equal({ 'k8s-app': 'flannel' });
      const raw = structuredClone(fx.ztunnelPod) as any;
      const kept = toPodInfo(raw);
      raw.metadata.labels.app = 'changed';
      expect(kept.labels.app, 'not a reference into the raw object').to.equal('ztunnel');
    });

    it('drops a pod\'s bulky annotations and keeps sidecar status, redirection and the istio label', () => {
      const raw = structuredClone(fx.crashLoopPod) as any;
      raw.metadata.labels = { ...raw.metadata.labels, istio: 'pilot', 'pod-template-hash': 'abc' };
      raw.metadata.annotations = {
        ...raw.metadata.annotations,
        'sidecar.istio.io/status': '{"initContainers":["istio-init"]}',
        'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(16 * 1024),
        'k8s.v1.cni.cncf.io/network-status': '[]',
      };
      const info = toPodInfo(raw);
      expect(info.labels).to.deep.equal({ app: 'ratings', istio: 'pilot' });
      expect(info.annotations).to.deep.equal({ 'ambient.istio.io/redirection': 'enabled', 'sidecar.istio.io/status': '{"initContainers":["istio-init"]}' });
    });

    it('marks a pod with a deletionTimestamp as terminating', () => {
      const raw = structuredClone(fx.ztunnelPod) as any;
      expect(toPodInfo(raw).terminating).to.equal(false);
      raw.metadata.deletionTimestamp = '2026-03-01T10:05:00Z';
      raw.metadata.deletionGracePeriodSeconds = 30;
      expect(toPodInfo(raw).terminating).to.equal(true);
      raw.metadata.deletionTimestamp = new Date(fx.T0_MS); // as client-node's typed objects carry it
      expect(toPodInfo(raw).terminating).to.equal(true);
    });

    it("keeps the image tag of an Istio component's own container (istio-cni exports no istio_build: its version is there)", () => {
      expect(toPodInfo(fx.ztunnelPod).istioImageTag, 'ztunnel: istio-proxy').to.equal('1.28.0');
      expect(toPodInfo(fx.cniPod).istioImageTag, 'istio-cni: install-cni').to.equal('1.28.0');
      expect(toPodInfo(fx.crashLoopPod).istioImageTag, 'a workload keeps none').to.equal(undefined);
      const raw = structuredClone(fx.cniPod) as any;
      raw.spec.containers = [{ name: 'sidecar', image: 'busybox:1.36' }, { name: 'install-cni', image: 'registry.local:5000/mirror/install-cni:1.30.1-distroless@sha256:0123' }];
      expect(toPodInfo(raw).istioImageTag, 'the named container, tag without digest or registry port').to.equal('1.30.1-distroless');
      raw.spec.containers = [{ name: 'install-cni', image: 'registry.local:5000/install-cni@sha256:0123' }];
      expect(toPodInfo(raw).istioImageTag, 'pinned by digest only: no tag').to.equal(undefined);
    });

    it('reads the tag of an image reference', () => {
      expect(imageTag('docker.io/istio/ztunnel:1.28.2')).to.equal('1.28.2');
      expect(imageTag('gcr.io/istio-release/pilot:1.29.0-distroless')).to.equal('1.29.0-distroless');
      expect(imageTag('localhost:5000/pilot')).to.equal('');
      expect(imageTag('pilot')).to.equal('');
      expect(imageTag('pilot:1.28.0@sha256:abc')).to.equal('1.28.0');
    });

    it('keeps only the model fields', () => {
      expect(Object.keys(toPodInfo(fx.ztunnelPod)).sort()).to.deep.equal(
        ['annotations', 'createdAt', 'hostNetwork', 'ip', 'istioImageTag', 'labels', 'name', 'namespace', 'node', 'phase', 'ready', 'started', 'terminating', 'uid', 'waitingReason'].sort(),
      );
    });

    it('reports an init container crash rather than the PodInitializing placeholder', () => {
      const pod = structuredClone(fx.initializingPod);
      pod.status.initContainerStatuses[0]!.state = { waiting: { reason: 'CrashLoopBackOff' } };
      expect(toPodInfo(pod).waitingReason).to.equal('CrashLoopBackOff');
    });

    it('is not started while one of two containers still waits', () => {
      const pod = structuredClone(fx.ztunnelPod) as any;
      pod.spec.containers.push({ name: 'sidecar' });
      expect(toPodInfo(pod).started).to.equal(false);
      pod.status.containerStatuses.push({ name: 'sidecar', state: { waiting: { reason: 'ContainerCreating' } } });
      expect(toPodInfo(pod)).to.include({ started: false, waitingReason: 'ContainerCreating' });
    });
  });

  describe('toNodeInfo', () => {
    it('reads readiness, first InternalIP and Flannel annotations', () => {
      const info = toNodeInfo(fx.node);
      expect(info).to.include({ name: 'worker-1', ready: true, internalIP: '192.168.1.11' });
      expect(info.annotations['flannel.alpha.coreos.com/backend-type']).to.equal('vxlan');
      expect(info.labels['kubernetes.io/hostname']).to.equal('worker-1');
    });
    it('keeps the Flannel annotations and the hostname label only', () => {
      const raw = structuredClone(fx.node) as any;
      raw.metadata.annotations['node.alpha.kubernetes.io/ttl'] = '0';
      raw.metadata.annotations['volumes.kubernetes.io/controller-managed-attach-detach'] = 'true';
      raw.metadata.annotations['csi.volume.kubernetes.io/nodeid'] = '{"ebs.csi.aws.com":"i-0abc"}';
      const info = toNodeInfo(raw);
      expect(info.labels).to.deep.equal({ 'kubernetes.io/hostname': 'worker-1' });
      expect(info.annotations).to.deep.equal(fx.node.metadata.annotations);
    });
    it('treats Ready=Unknown as not ready and a missing InternalIP as empty', () => {
      expect(toNodeInfo(fx.notReadyNode)).to.deep.equal({ name: 'worker-2', ready: false, labels: {}, annotations: {}, internalIP: '', podCIDRs: [] });
    });
  });

  it('keeps every key a reader looks up (component selectors, enrollment, CNI blocking, cross-node)', () => {
    const selectors = [ZTUNNEL_POD_LABELS, ISTIOD_POD_LABELS, CNI_POD_LABELS, FLANNEL_POD_LABELS, FLANNEL_POD_LABELS_UPSTREAM].flatMap((l) => Object.keys(l));
    expect(POD_LABEL_KEYS).to.include.members([...selectors, LABEL_DATAPLANE_MODE]);
    expect(POD_ANNOTATION_KEYS).to.include.members([ANNOTATION_REDIRECTION, ANNOTATION_SIDECAR_STATUS]);
    expect(NODE_ANNOTATION_KEYS).to.include.members([FLANNEL_BACKEND_TYPE, FLANNEL_BACKEND_DATA]);
  });

  it('toNamespaceInfo keeps name and every label (the enrollment selector may use any)', () => {
    expect(toNamespaceInfo(fx.bookinfoNamespace)).to.deep.equal({
      name: 'bookinfo',
      labels: { 'istio.io/dataplane-mode': 'ambient', 'kubernetes.io/metadata.name': 'bookinfo' },
    });
  });

  describe('toPodEventInfo', () => {
    const cases: [string, unknown, ReturnType<typeof toPodEventInfo>][] = [
      [
        'core/v1 event: lastTimestamp and count',
        fx.sandboxEventLegacy,
        {
          namespace: 'bookinfo',
          pod: 'reviews-v1-5b9c6d7f8-x2kq4',
          podUid: 'aaaa0000-0000-4000-8000-00000000000a',
          reason: 'FailedCreatePodSandBox',
          message: fx.sandboxEventLegacy.message,
          lastSeen: Date.parse('2026-03-01T10:09:40Z'),
          count: 14,
        },
      ],
      [
        'events.k8s.io event: series.lastObservedTime (MicroTime) and series.count',
        fx.sandboxEventSeries,
        {
          namespace: 'shop',
          pod: 'web-0',
          podUid: 'cccc',
          reason: 'FailedCreatePodSandBox',
          message: fx.sandboxEventSeries.message,
          lastSeen: Date.parse('2026-03-01T10:08:30.654Z'),
          count: 3,
        },
      ],
      [
        'only eventTime',
        { ...fx.sandboxEventSeries, series: undefined },
        { ...toPodEventInfo(fx.sandboxEventSeries)!, lastSeen: Date.parse('2026-03-01T10:06:00.123Z'), count: 1 },
      ],
      [
        'only creationTimestamp',
        { reason: 'FailedCreatePodSandBox', metadata: { namespace: 'a', creationTimestamp: fx.T0 }, involvedObject: { name: 'p' } },
        { namespace: 'a', pod: 'p', podUid: '', reason: 'FailedCreatePodSandBox', message: '', lastSeen: fx.T0_MS, count: 1 },
      ],
      ['another reason', { ...fx.sandboxEventLegacy, reason: 'BackOff' }, null],
      ['about something other than a pod', { ...fx.sandboxEventLegacy, involvedObject: { kind: 'Node', name: 'worker-2' } }, null],
    ];
    for (const [name, raw, want] of cases) {
      it(name, () => {
        expect(toPodEventInfo(raw as never)).to.deep.equal(want);
      });
    }
  });

  it('toServiceInfo keeps ports with named and numeric target ports', () => {
    const svc = toServiceInfo(fx.istiodService);
    expect(svc).to.deep.include({ namespace: 'istio-system', name: 'istiod', clusterIP: '10.96.14.20' });
    expect(svc.ports).to.deep.include({ name: 'https-dns', port: 15012, targetPort: 15012, protocol: 'TCP' });
    expect(svc.ports).to.deep.include({ name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' });
    const named = toServiceInfo({ metadata: { name: 's' }, spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }, { port: 81 }] } });
    expect(named.ports).to.deep.equal([
      { name: '', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: '', port: 81, targetPort: 81, protocol: 'TCP' },
    ]);
  });

  describe('addresses that are not IP literals', () => {
    // Addresses become scrape URLs and dial targets: only an IPv4 or IPv6 literal may, nothing a
    // field could smuggle into a URL (a path, a query, a host name, a zone).
    const notIps = ['127.0.0.77/latest/meta-data?', 'metadata.google.internal', '10.0.0.1:80', 'fe80::1%eth0', '10.0.0.256', ' 10.0.0.1'];
    const noted = (): [string, string][] => [];

    it('a pod IP becomes "" (no address: never scraped or probed), and is reported', () => {
      for (const bad of notIps) {
        const notes = noted();
        const pod = toPodInfo({ ...fx.ztunnelPod, status: { ...fx.ztunnelPod.status, podIP: bad } }, (field, value) => notes.push([field, value]));
        expect(pod.ip, bad).to.equal('');
        expect(notes).to.deep.equal([['status.podIP', bad]]);
      }
      expect(toPodInfo(fx.ztunnelPod).ip).to.equal('10.244.1.5');
      expect(toPodInfo({ ...fx.ztunnelPod, status: { ...fx.ztunnelPod.status, podIP: 'fd00::5' } }).ip).to.equal('fd00::5');
    });

    it('a node InternalIP, a Service ClusterIP and EndpointSlice addresses likewise', () => {
      const notes = noted();
      const report = (field: string, value: string): void => void notes.push([field, value]);
      const node = toNodeInfo({ ...fx.node, status: { ...fx.node.status, addresses: [{ type: 'InternalIP', address: 'node-1.internal' }] } }, report);
      expect(node.internalIP).to.equal('');
      const svc = toServiceInfo({ ...fx.istiodService, spec: { ...fx.istiodService.spec, clusterIP: '10.96.0.1/x' } }, report);
      expect(svc.clusterIP).to.equal('');
      expect(toServiceInfo({ metadata: { name: 's' }, spec: { clusterIP: 'None' } }, report).clusterIP, 'headless').to.equal('None');
      const slice = { endpoints: [{ addresses: ['10.0.0.1', '127.0.0.77/latest/meta-data?'], conditions: { ready: true } }], ports: [{ name: 'https-dns', port: 15012 }] };
      expect(toEndpointAddresses(slice, report).map((a) => a.ip)).to.deep.equal(['10.0.0.1']);
      expect(notes).to.deep.equal([
        ['status.addresses[InternalIP]', 'node-1.internal'],
        ['spec.clusterIP', '10.96.0.1/x'],
        ['endpoints[].addresses', '127.0.0.77/latest/meta-data?'],
      ]);
    });
  });

  describe('EndpointSlice', () => {
    it('one address per endpoint IP; ready nil means ready; node, pod and ports kept', () => {
      const ports = { 'grpc-xds': 15010, 'https-dns': 15012, 'https-webhook': 15017, 'http-monitoring': 15014 };
      expect(toEndpointAddresses(fx.istiodEndpointSlice)).to.deep.equal([
        { ip: '10.244.0.7', ready: true, node: 'worker-0', pod: 'istiod-6c8b9d7f4-abcde', ports },
        { ip: '10.244.2.8', ready: false, node: 'worker-2', pod: 'istiod-6c8b9d7f4-fghij', ports },
        { ip: '10.244.3.9', ready: true, node: 'worker-3', pod: '', ports },
      ]);
    });
    it('names the owning Service from kubernetes.io/service-name', () => {
      expect(toEndpointSliceInfo(fx.istiodEndpointSlice)).to.include({ namespace: 'istio-system', name: 'istiod-8kx2c', service: 'istiod' });
    });
    it('FQDN slices, empty slices and port-less entries', () => {
      expect(toEndpointAddresses({ ...fx.istiodEndpointSlice, addressType: 'FQDN' })).to.deep.equal([]);
      expect(toEndpointAddresses({ metadata: { name: 'x' }, endpoints: null })).to.deep.equal([]);
      const slice = { endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'], conditions: { ready: null } }], ports: [{ port: null }, { name: '', port: 8080 }] };
      expect(toEndpointAddresses(slice)).to.deep.equal([
        { ip: '10.0.0.1', ready: true, node: '', pod: '', ports: { '': 8080 } },
        { ip: '10.0.0.2', ready: true, node: '', pod: '', ports: { '': 8080 } },
      ]);
    });
  });

  it('toMillis parses RFC 3339 with nanosecond-ish fractions, Dates, and gives 0 for junk', () => {
    expect(toMillis('2026-03-01T10:06:00.123456Z')).to.equal(Date.parse('2026-03-01T10:06:00.123Z'));
    expect(toMillis(new Date(fx.T0_MS))).to.equal(fx.T0_MS);
    expect(toMillis('not a time')).to.equal(0);
    expect(toMillis(null)).to.equal(0);
    expect(toMillis(undefined)).to.equal(0);
  });
});
