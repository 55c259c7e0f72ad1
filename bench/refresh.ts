// One full refresh round (discovery from the watched state, scrape of every ztunnel, istiod and
// istio-cni, probes, derive, export) against a large lab, timed over several rounds; reports the
// median and the /metrics serve time. Run: npx tsx bench/refresh.ts [nodes] [rounds] [trafficSeries] [faults]
// e.g. `npx tsx bench/refresh.ts 200 5 50 cross-node`: every pod IP off istiod's node blackholed.
import { loadConfig } from '../src/cli-flags.js';
import { startLab } from 'ambient-lab';
import { startServe } from '../src/serve/index.js';

const NODES = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 7);
const TRAFFIC = Number(process.argv[4] ?? 50);
const FAULTS = process.argv[5] ?? 'healthy';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const labStart = performance.now();
  const lab = await startLab({ nodes: NODES, ztunnelTrafficSeries: TRAFFIC, syncIntervalMs: 0, faults: FAULTS });
  const labMs = performance.now() - labStart;
  const exporter = await startServe(
    loadConfig({
      argv: ['--kubeconfig', lab.kubeconfigPath, '--listen-address', '127.0.0.1:0', '--refresh-interval', '1h', '--scrape-timeout', '5s', '--node-name', lab.istiodNode],
    }),
  );
  const firstStart = performance.now();
  await exporter.ready();
  const firstMs = performance.now() - firstStart;

  const rounds: number[] = [];
  const serves: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await exporter.refreshNow();
    rounds.push(performance.now() - t0);
    const t1 = performance.now();
    const body = await (await fetch(`${exporter.url}/metrics`)).text();
    serves.push(performance.now() - t1);
    bytes = body.length;
  }
  const rss = process.memoryUsage().rss / 1024 / 1024;
  await exporter.close();
  await lab.close();

  const targets = NODES * 2 + 1;
  console.log(`lab: ${NODES} nodes, ${targets} scrape targets, ${NODES} readiness probes, ${TRAFFIC} traffic label sets per ztunnel, faults: ${FAULTS}`);
  console.log(`lab start:                 ${ms(labMs)}`);
  console.log(`first round (incl. sync):  ${ms(firstMs)}`);
  console.log(`refresh round, median:     ${ms(median(rounds))}  (of ${ROUNDS}: ${rounds.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`GET /metrics, median:      ${ms(median(serves))}  (${(bytes / 1024).toFixed(0)} KiB)`);
  console.log(`process RSS after rounds:  ${rss.toFixed(0)} MiB (lab and exporter in one process)`);
}

await main();
