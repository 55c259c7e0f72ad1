// Every name a lab creates on the host starts with its run tag: "nlab", the creating process's
// pid (5 base-36 digits) and a per-process lab counter (2 base-36 digits). The tag makes names unique
// per run, and tells the sweeper whether the run that made a leftover is still alive.

const PREFIX = 'nlab';
const TAG = /^nlab([0-9a-z]{5})([0-9a-z]{2})/;
/** Linux interface names hold at most 15 bytes (IFNAMSIZ - 1). */
const IFNAMSIZ_MAX = 15;

let labsMade = 0;

export function newRunTag(pid = process.pid): string {
  const seq = labsMade++ % 36 ** 2;
  return `${PREFIX}${pid.toString(36).padStart(5, '0')}${seq.toString(36).padStart(2, '0')}`;
}

/** The pid that created a tagged name, or undefined for a name that is not ours. */
export function ownerPid(name: string): number | undefined {
  const m = TAG.exec(name);
  return m?.[1] ? parseInt(m[1], 36) : undefined;
}

/** An interface name in the host namespace; throws if the kernel would reject it. */
export function hostIfname(tag: string, suffix: string): string {
  const name = `${tag}${suffix}`;
  if (name.length > IFNAMSIZ_MAX) throw new Error(`interface name ${name} is longer than ${IFNAMSIZ_MAX} bytes`);
  return name;
}
