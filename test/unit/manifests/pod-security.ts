// The Pod Security Standard "restricted" profile (Kubernetes 1.25+), as the admission controller
// checks it: the exporter's namespace enforces it, so a pod that broke it would never start.
import type { PodSpec } from './exporter-pod.js';

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

type SecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: { type?: string };
  capabilities?: { add?: string[]; drop?: string[] };
  sysctls?: unknown[];
};

/** Every way `spec` breaks the restricted profile; empty when it complies. */
export function restrictedViolations(spec: PodSpec): string[] {
  const out: string[] = [];
  const pod = (spec.securityContext ?? {}) as SecurityContext;
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces');
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type === undefined || !ALLOWED_VOLUME_TYPES.has(type)) out.push(`volume ${v.name}: type ${type} not allowed`);
  }
  if ((pod.sysctls ?? []).length > 0) out.push('sysctls');
  if (pod.runAsUser === 0) out.push('pod runAsUser 0');
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const sc = (c.securityContext ?? {}) as SecurityContext;
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot)) out.push(`${where}: runAsNonRoot must be true`);
    if (sc.runAsUser === 0) out.push(`${where}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${where}: seccompProfile must be RuntimeDefault or Localhost`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities must drop ALL`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) out.push(`${where}: adds capabilities ${added.join(', ')}`);
    for (const p of (c.ports ?? []) as { hostPort?: number }[]) if (p.hostPort) out.push(`${where}: hostPort`);
  }
  return out;
}

/** The capabilities `baseline` lets a container add (Pod Security Standards, "Capabilities"). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/**
 * Every way `spec` breaks the baseline profile, as the admission controller checks it. On the host
 * network every container port is a host port (the API server defaults hostPort to containerPort).
 */
export function baselineViolations(spec: PodSpec): string[] {
  const out: string[] = [];
  const pod = (spec.securityContext ?? {}) as SecurityContext;
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces');
  for (const v of spec.volumes ?? []) if ('hostPath' in v) out.push(`volume ${v.name}: hostPath`);
  if (pod.seccompProfile?.type === 'Unconfined') out.push('pod seccompProfile Unconfined');
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const sc = (c.securityContext ?? {}) as SecurityContext;
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (added.length > 0) out.push(`${where}: adds capabilities ${added.join(', ')}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`${where}: seccompProfile Unconfined`);
    for (const p of (c.ports ?? []) as { hostPort?: number; containerPort: number }[]) {
      if (p.hostPort || spec.hostNetwork) out.push(`${where}: host port ${p.hostPort ?? p.containerPort}`);
    }
  }
  return out;
}
