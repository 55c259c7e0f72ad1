#!/usr/bin/env node
// Commands; nothing else. Configuration problems exit 2 with one line on stderr.
import { Command, CommanderError, Option } from 'commander';
import { addServeOptions, flagsFromOptions } from './cli-flags.js';
import { ConfigError, resolveConfig } from './config.js';
import { DevToolMissing, loadDemo, loadLab } from './dev-tools.js';
import { CouldNotCheck, runDiagnose } from './diagnosis/run.js';
import { parseDuration } from './duration.js';
import { createLogger, type Logger } from './logger.js';
import { startServe, type Exporter } from './serve/index.js';
import { VERSION } from './version.js';

function fail(message: string): never {
  process.stderr.write(`ambient-exporter: ${message}\n`);
  process.exit(2);
}

/** Stop cleanly on SIGINT/SIGTERM: close listeners, stop watches, then exit 0. */
function stopOnSignal(log: Logger, closers: (() => Promise<void>)[]): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    Promise.allSettled(closers.map((c) => c())).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function serve(cmd: Command): Promise<Exporter> {
  const { flags, file } = flagsFromOptions(cmd);
  const config = resolveConfig({ flags, file, env: process.env });
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const exporter = await startServe(config, { logger: log });
  stopOnSignal(log, [() => exporter.close()]);
  return exporter;
}

const program = new Command('ambient-exporter')
  .description('Prometheus exporter for Istio ambient mesh health')
  .version(VERSION)
  .exitOverride()
  .showHelpAfterError();

addServeOptions(program.command('serve').description('watch the Kubernetes API, scrape and probe Istio ambient components, export /metrics')).action(
  async (_opts, cmd: Command) => {
    await serve(cmd);
  },
);

program
  .command('lab')
  .description('start the simulated ambient cluster on loopback')
  .option('--nodes <n>', 'number of nodes', '3')
  .option('--fault <names>', 'comma-separated faults to start with', 'healthy')
  .option('--control-address <host:port>', 'control endpoint address', '127.0.0.1:0')
  .option('--api-address <host:port>', 'Kubernetes API address', '127.0.0.1:0')
  .action(async (opts: Record<string, string>) => {
    const { runLabCommand } = await loadLab();
    await runLabCommand({ nodes: Number(opts.nodes), faults: opts.fault!, controlAddress: opts.controlAddress!, apiAddress: opts.apiAddress! });
    process.exit(0);
  });

program
  .command('demo')
  .description('start the lab and the exporter against it, ready to browse')
  .option('--nodes <n>', 'number of nodes', '3')
  .option('--fault <names>', 'comma-separated faults to start with', 'healthy')
  .option('--listen-address <host:port>', 'exporter address', '127.0.0.1:9479')
  .action(async (opts: Record<string, string>) => {
    const { runDemo } = await loadDemo();
    await runDemo({ nodes: Number(opts.nodes), fault: opts.fault!, listenAddress: opts.listenAddress! });
    process.exit(0);
  });

/** Settings that mean nothing to a one-shot report (it serves nothing, runs one round on a fresh view, logs nothing). */
const SERVE_ONLY = new Set(['listen-address', 'refresh-interval', 'log-level', 'log-format', 'max-state-age']);

addServeOptions(
  program
    .command('diagnose')
    .description(
      'one round of the same checks as serve, printed in troubleshooting order (network, control plane, data plane, application) ' +
        'with evidence, runbook and next command; exit 0 healthy, 1 problems found, 2 could not check',
    )
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--pre-install', 'check before installing ambient: cross-node pod connectivity, Flannel, NetworkPolicies that would block 15012')
    .option('--list-timeout <duration>', 'how long to wait for the first list of the Kubernetes API', '20s'),
  (s) => !SERVE_ONLY.has(s.flag),
).action(async (opts: { output: 'text' | 'json'; preInstall?: boolean; listTimeout: string }, cmd: Command) => {
  const { flags, file } = flagsFromOptions(cmd);
  const config = resolveConfig({ flags, file, env: process.env });
  const listTimeoutMs = parseDuration(opts.listTimeout);
  if (listTimeoutMs === undefined || listTimeoutMs <= 0) fail(`diagnose: --list-timeout: "${opts.listTimeout}" is not a positive duration like 10s`);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const result = await runDiagnose(config, { output: opts.output, preInstall: opts.preInstall === true, color, listTimeoutMs });
  process.stdout.write(result.output);
  process.exitCode = result.exitCode;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof ConfigError) fail(err.message);
  if (err instanceof DevToolMissing) fail(err.message);
  if (err instanceof CouldNotCheck) fail(err.message);
  // the lab's option and fault errors are configuration errors too
  if (err instanceof Error && (err.name === 'LabOptionError' || err.name === 'FaultError')) fail(err.message);
  throw err;
}
