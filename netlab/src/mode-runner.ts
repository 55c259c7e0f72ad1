// Runs `ambient-exporter serve` or `ambient-exporter agent` inside the namespace it is started in
// (`ip netns exec NS node mode-runner.ts MODE ARGS...`), with the command line's own settings
// parsing: a node agent on the node's host network, the exporter where its pod would run. Prints
// "ready" once the mode is ready (its first round after the API's first list), and exits when its
// stdin closes, after closing the mode cleanly.
import { AGENT_SETTINGS, resolveAgentConfig } from '../../src/agent/config.js';
import { startAgent } from '../../src/agent/index.js';
import { loadConfig, parseSettingArgs } from '../../src/cli-flags.js';
import { pino } from 'pino';
import { startServe } from '../../src/serve/index.js';

const [mode, ...argv] = process.argv.slice(2);

/** Logs go to stderr: stdout carries only "ready" to the harness. */
const stderrLogger = (level: string) => pino({ level, base: { app: 'ambient-exporter' } }, pino.destination(2));

async function start(): Promise<{ ready(): Promise<void>; close(): Promise<void> }> {
  if (mode === 'serve') {
    const config = loadConfig({ argv, env: {} });
    return startServe(config, { logger: stderrLogger(config.logLevel) });
  }
  if (mode === 'agent') {
    const { flags, file } = parseSettingArgs('agent', AGENT_SETTINGS, argv);
    const config = resolveAgentConfig({ flags, file, env: {} });
    return startAgent(config, { logger: stderrLogger(config.logLevel) });
  }
  throw new Error(`usage: mode-runner.ts serve|agent ARGS...`);
}

try {
  const running = await start();
  const stop = () => void running.close().finally(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  await running.ready();
  process.stdout.write('ready\n');
} catch (err) {
  process.stderr.write(`mode-runner: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
