// Suites that need the real-kernel lab. Where it cannot run (no root, no `ip netns`, no VXLAN),
// the first such suite in the run registers one pending test whose title says why, and the rest
// register nothing: one line in the report, counted as skipped.
import { netlabAvailability } from '../../src/availability.js';

let reported = false;

export function describeNetlab(title: string, body: (this: Mocha.Suite) => void): void {
  const availability = netlabAvailability();
  if (availability.ok) {
    describe(title, body);
    return;
  }
  if (reported) return;
  reported = true;
  describe('netlab (real-kernel overlay lab)', () => {
    it(`skipped: ${availability.reason}`, function () {
      this.skip();
    });
  });
}
