// The exporter's command line against the lab, as the tests run it: the lab's kubeconfig and
// enrollment policy, the exporter on istiod's node (the lab judges reachability from there), short
// scrape timeouts; `extra` adds or overrides flags.
import type { Lab } from 'ambient-lab';

export function labExporterArgv(lab: Lab, extra: string[] = []): string[] {
  return [
    '--kubeconfig', lab.kubeconfigPath,
    '--scrape-timeout', '400ms',
    '--node-name', lab.istiodNode,
    ...lab.enrollment.namespaces.flatMap((ns) => ['--enroll-namespace', ns]),
    ...extra,
  ];
}
