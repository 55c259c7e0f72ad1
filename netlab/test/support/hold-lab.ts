// Starts a lab, prints its run tag, and holds it until the process is signalled: the process
// whose death the cleanup tests inflict.
import { OverlayLab } from '../../src/lab.js';

const lab = await OverlayLab.start({ nodes: 2 });
process.stdout.write(`${JSON.stringify({ tag: lab.plan.tag, runDir: lab.plan.runDir })}\n`);
setInterval(() => undefined, 60_000);
