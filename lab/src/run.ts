// `ambient-exporter lab`: start the lab, say how to use it, run until SIGINT/SIGTERM, close cleanly.
import { FAULT_CATALOG, FAULT_NAMES, formatFaults } from './faults/catalog.js';
import { startLab, type Lab } from './lab.js';
import type { LabOptions } from './options.js';

export interface RunLabOptions extends LabOptions {
  /** where to print (default: stdout) */
  print?: (line: string) => void;
  /** stops the lab when aborted (besides SIGINT/SIGTERM) */
  signal?: AbortSignal;
  /** stop on SIGINT/SIGTERM (default true; false when the caller stops it through `signal`) */
  handleSignals?: boolean;
  /** called once the lab is up */
  onReady?: (lab: Lab) => void;
}

/** The fault catalog as the banner prints it: one `name  summary` line each. */
export function faultCatalogLines(): string[] {
  const width = Math.max(...FAULT_NAMES.map((n) => n.length));
  return FAULT_NAMES.map((n) => `  ${n.padEnd(width)}  ${FAULT_CATALOG[n].summary}`);
}

export function labBanner(lab: Lab): string[] {
  const nsFlags = lab.enrollment.namespaces.map((n) => `--enroll-namespace ${n}`).join(' ');
  return [
    `ambient lab: ${lab.nodes.length} node(s), Istio ${lab.istio.version} (ztunnel and istio-cni in ${lab.istio.namespace}, Service ${lab.istio.istiodService}), istiod on ${lab.istiodNode}, faults: ${formatFaults(lab.faults())}`,
    `  kubeconfig:  ${lab.kubeconfigPath}`,
    `  API server:  ${lab.apiUrl}`,
    `  control:     ${lab.controlUrl}`,
    '',
    'Switch faults while it runs, and restart components:',
    `  curl -s -X PUT ${lab.controlUrl}/faults -d '{"faults":["cni-blocked"],"node":"${lab.faultNode}"}'`,
    `  curl -s -X PUT ${lab.controlUrl}/faults -d '{"faults":["cni-refusing:unauthorized@${lab.faultNode}"]}'`,
    `  curl -s -X PUT ${lab.controlUrl}/faults -d '{"faults":[]}'            # back to healthy`,
    `  curl -s -X POST ${lab.controlUrl}/restart -d '{"component":"ztunnel","node":"${lab.faultNode}"}'`,
    `  curl -s -X POST ${lab.controlUrl}/restart -d '{"component":"istio-cni","node":"${lab.faultNode}"}'`,
    `  curl -s -X PUT ${lab.controlUrl}/api-server -d '{"available":false}'  # API server down`,
    '',
    'Faults (NAME[:REASON][@TARGET]; node faults default to ' + lab.faultNode + '):',
    ...faultCatalogLines(),
    '',
    'Point the exporter at it:',
    `  ambient-exporter serve --kubeconfig ${lab.kubeconfigPath} --node-name ${lab.istiodNode} ${nsFlags}`,
    '',
    'Ctrl-C stops the lab.',
  ];
}

export async function runLabCommand(opts: RunLabOptions = {}): Promise<void> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const lab = await startLab(opts);
  // Listen for Ctrl-C before saying how to use the lab: a signal sent as soon as the banner shows
  // must stop it cleanly, not kill it.
  const stopped = new Promise<void>((resolve) => {
    const handleSignals = opts.handleSignals !== false;
    const stop = () => {
      if (handleSignals) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      opts.signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (handleSignals) {
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop);
  });
  for (const line of labBanner(lab)) print(line);
  opts.onReady?.(lab);
  await stopped;
  print('stopping the lab');
  await lab.close();
}
