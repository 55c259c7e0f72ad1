// What the exporter's pod would run with: its container, its service account, and the
// configuration the exporter itself resolves from the pod's args, env and mounted ConfigMap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config.js';
import { loadConfig } from '../../../src/cli-flags.js';
import type { KubeObject } from '../../support/manifests/kustomize-lite.js';

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

export interface PodSpec {
  serviceAccountName?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: ({ name: string } & Record<string, unknown>)[];
}

export interface ExporterPod {
  deployment: KubeObject;
  namespace: string;
  labels: Record<string, string>;
  spec: PodSpec;
  container: Container;
  serviceAccount: { name: string; namespace: string };
}

export function exporterPod(objects: KubeObject[]): ExporterPod {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  if (deployments.length !== 1) throw new Error(`expected one Deployment, found ${deployments.length}`);
  const deployment = deployments[0]!;
  const template = (deployment.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } }).template;
  const container = template.spec.containers.find((c) => c.name === 'ambient-exporter');
  if (!container) throw new Error('no container named ambient-exporter');
  const namespace = deployment.metadata.namespace ?? 'default';
  return {
    deployment,
    namespace,
    labels: template.metadata.labels,
    spec: template.spec,
    container,
    serviceAccount: { name: template.spec.serviceAccountName ?? 'default', namespace },
  };
}

/** Downward-API values a kubelet would fill in, for a pod on node `node-a`. */
const FIELD_VALUES: Record<string, string> = { 'spec.nodeName': 'node-a', 'metadata.namespace': 'ambient-exporter' };

/** The container's environment as the kubelet would set it. */
export function containerEnv(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    const value = e.value ?? (path !== undefined ? FIELD_VALUES[path] : undefined);
    if (value === undefined) throw new Error(`env ${e.name}: no value this check knows how to fill in`);
    env[e.name] = value;
  }
  return env;
}

/** The container's args after the kubelet's $(VAR) expansion. */
export function expandedArgs(c: Container): string[] {
  const env = containerEnv(c);
  return (c.args ?? []).map((a) => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m));
}

/**
 * Resolve the exporter's configuration exactly as `serve` would in this pod: the args (minus the
 * command), the env, and every ConfigMap volume written out where it is mounted (the mount path
 * is re-rooted in a temp directory).
 */
export function resolvePodConfig(objects: KubeObject[]): Config {
  const pod = exporterPod(objects);
  const root = mkdtempSync(join(tmpdir(), 'exporter-pod-'));
  try {
    const mounts = new Map<string, string>();
    for (const m of pod.container.volumeMounts ?? []) {
      const volume = pod.spec.volumes?.find((v) => v.name === m.name) as { configMap?: { name: string } } | undefined;
      if (!volume?.configMap) continue;
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name && o.metadata.namespace === pod.namespace);
      if (!cm) throw new Error(`volume ${m.name}: ConfigMap ${volume.configMap.name} is not in the manifests`);
      const dir = mkdtempSync(join(root, 'mount-'));
      for (const [key, text] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(dir, key), text);
      mounts.set(m.mountPath.replace(/\/$/, ''), dir);
    }
    const args = expandedArgs(pod.container).map((a) => {
      for (const [mountPath, dir] of mounts) if (a.startsWith(`${mountPath}/`)) return dir + a.slice(mountPath.length);
      return a;
    });
    const [command, ...rest] = args;
    if (command !== 'serve') throw new Error(`the container runs "${command}", not serve`);
    return loadConfig({ argv: rest, env: containerEnv(pod.container) });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
