// The exporter's whole /metrics for each lab scenario (healthy and every lab fault), against the
// lab with its clock stopped, compared with test/golden/<scenario>.prom (test/support/golden.ts:
// timestamps, durations and ports masked, the runtime's own families left out). Any change to what
// a scenario exports, including series no other test looks at, shows here as a per-series diff.
// UPDATE_GOLDEN=1 rewrites the files.
import { FAULT_NAMES, startLab, type Lab } from 'ambient-lab';
import type { Exposition } from '../support/exposition.js';
import { expectGolden, normalise } from '../support/golden.js';
import { startLabExporter, type LabExporter } from '../support/lab-exporter.js';

const LAB_TIME = Date.UTC(2026, 2, 1, 10);

describe('golden /metrics per lab scenario', function () {
  this.timeout(60_000);

  for (const scenario of FAULT_NAMES) {
    describe(scenario, () => {
      let lab: Lab;
      let pair: LabExporter;
      before(async () => {
        lab = await startLab({ nodes: 3, faults: scenario, syncIntervalMs: 0, now: () => LAB_TIME });
        pair = await startLabExporter(lab, { now: () => LAB_TIME });
      });
      after(async () => {
        await pair?.close();
        await lab?.close();
      });

      it(`matches test/golden/${scenario}.prom once two rounds agree`, async () => {
        // the watch delivers the lab's state asynchronously: the output settles within a few rounds;
        // counters that grow every round are compared by their growth per round
        let before: Exposition | undefined;
        let previous = '';
        let settled = '';
        await pair.metricsWhen('two consecutive rounds with the same output', (m) => {
          const now = normalise(m, before, lab.addressBlock);
          before = m;
          if (now !== previous) {
            previous = now;
            return false;
          }
          settled = now;
          return true;
        });
        expectGolden(scenario, settled);
      });
    });
  }
});
