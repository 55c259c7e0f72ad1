// Istio versions as the components report them: istio_build tags (`1.28.2`), pilot_info versions
// (`1.28.2-<sha>-Clean`), image tags (`1.28.2-distroless`, `1.29-alpha.<sha>` for dev builds).
// Only major and minor matter for the skew Istio supports (SUPPORTED_MINORS_BEHIND in istio.ts).
import { SUPPORTED_MINORS_BEHIND } from '../istio.js';

export interface MinorVersion {
  major: number;
  minor: number;
}

/** major.minor of a version string, or undefined when it names none (`latest`, a digest, a branch name). */
export function minorVersion(version: string): MinorVersion | undefined {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:[.-]|$)/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** How many minor versions `dataPlane` is behind `controlPlane` (negative: ahead); a major version counts 1000. */
export function minorsBehind(dataPlane: MinorVersion, controlPlane: MinorVersion): number {
  return (controlPlane.major - dataPlane.major) * 1000 + (controlPlane.minor - dataPlane.minor);
}

/** Whether Istio supports a data plane that many minor versions behind istiod. */
export function skewSupported(behind: number): boolean {
  return behind >= SUPPORTED_MINORS_BEHIND.min && behind <= SUPPORTED_MINORS_BEHIND.max;
}
