#!/usr/bin/env node
// Commands; nothing else. Configuration problems exit 2 with one line on stderr.
import { Command, CommanderError, Option } from 'commander';
import { AGENT_SETTINGS, resolveAgentConfig } from './agent/config.js';
import { startAgent } from './agent/index.js';
import { addServeOptions, flagsFromOptions } from './cli-flags.js';
import { ConfigError, SETTINGS, resolveConfig } from './config.js';
import { DevToolMissing, loadDemo, loadLab, type LabCommandOptions } from './dev-tools.js';
import { CouldNotCheck, runDiagnose } from './diagnosis/run.js';
import { parseDuration } from './duration.js';
import { createLogger, type Logger } from './logger.js';
import { startServe, type Exporter } from './serve/index.js';
import { VERSION } from './version.js';

function fail(message: string): never {
  process.stderr.write(`ambient-exporter: ${message}\n`);
  process.exit(2);
}

/**
 * Past this, shutdown has hung on something the closers do not bound (they cut slow clients and
 * abandon stuck rounds after 2 s); exit anyway, well inside Kubernetes' default 30 s grace period.
 */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** Stop cleanly on SIGINT/SIGTERM: close listeners, stop watches, then exit 0; a second signal exits at once. */
function stopOnSignal(log: Logger, closers: (() => Promise<void>)[]): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without finishing shutdown');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void Promise.allSettled(closers.map((c) => c())).then(() => process.exit(0));
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

/**
 * The lab's faults as `--help` lists them. The CLI cannot import the lab (a development tool, not in
 * a built installation), so they are written out here; test/integration/cli.test.ts checks them
 * against the lab's own list.
 */
const FAULT_OPTION_HELP =
  'faults to start with, comma-separated NAME[:REASON][@NODE|@NAMESPACE]: healthy, istiod-port-missing, istiod-unreachable, ' +
  'cross-node, flannel-down[@NODE], cni-blocked[@NODE], namespace-unlabeled[@NAMESPACE], pods-not-captured[@NAMESPACE], ' +
  'node-cut-off[@NODE], flannel-crash-loop[@NODE], pods-not-proxied[@NODE], cni-refusing[@NODE] ' +
  '(cni-refusing:REASON says why: not-retryable, agent-socket-missing, unauthorized, ipset-exist, ack-error)';
const NODES_OPTION_HELP = 'number of simulated nodes (istiod runs on the first)';

program
  .command('lab')
  .description('start the simulated ambient cluster on loopback (it prints its fault catalog; lab/README.md explains each fault)')
  .option('--nodes <n>', NODES_OPTION_HELP, '3')
  .option('--fault <names>', FAULT_OPTION_HELP, 'healthy')
  .option('--istio-version <minor>', 'Istio release whose bodies and error texts the components produce: 1.24, 1.28 or 1.30', '1.28')
  .option('--layout <layout>', 'upstream (istio-system, kube-flannel), talos (Flannel in kube-system) or gke (ztunnel and istio-cni in kube-system, no Flannel)', 'upstream')
  .option('--ip-family <family>', "Flannel's VXLAN address family: ipv4, or ipv6 (IPv6-only: backend-v6-data only)", 'ipv4')
  .option('--revision <revision>', 'a revisioned istiod: Service istiod-<revision>, named by the ztunnels\' XDS_ADDRESS')
  .option('--control-address <host:port>', 'control endpoint address', '127.0.0.1:0')
  .option('--api-address <host:port>', 'Kubernetes API address', '127.0.0.1:0')
  .action(async (opts: Record<string, string | undefined>) => {
    const lab = await loadLab();
    await lab.runLabCommand({
      nodes: Number(opts.nodes),
      faults: opts.fault ?? 'healthy',
      controlAddress: opts.controlAddress ?? '127.0.0.1:0',
      apiAddress: opts.apiAddress ?? '127.0.0.1:0',
      // the lab checks these and names the bad one (exit 2)
      istioVersion: opts.istioVersion as LabCommandOptions['istioVersion'],
      layout: opts.layout as LabCommandOptions['layout'],
      ipFamily: opts.ipFamily as LabCommandOptions['ipFamily'],
      revision: opts.revision,
    });
    process.exit(0);
  });

program
  .command('demo')
  .description('start the lab and the exporter against it, ready to browse')
  .option('--nodes <n>', NODES_OPTION_HELP, '3')
  .option('--fault <names>', FAULT_OPTION_HELP, 'healthy')
  .option('--listen-address <host:port>', "where the exporter listens (status page on /, metrics on /metrics)", '127.0.0.1:9479')
  .action(async (opts: Record<string, string>) => {
    const demo = await loadDemo();
    await demo.runDemo({ nodes: Number(opts.nodes), fault: opts.fault!, listenAddress: opts.listenAddress! });
    process.exit(0);
  });

addServeOptions(program.command('agent').description('per-node mode (DaemonSet): check this node and scrape its ztunnel and istio-cni, serve /summary and /metrics'), AGENT_SETTINGS).action(
  async (_opts, cmd: Command) => {
    const { flags, file } = flagsFromOptions(cmd, AGENT_SETTINGS);
    const config = resolveAgentConfig({ flags, file, env: process.env });
    const log = createLogger({ level: config.logLevel, format: config.logFormat });
    const agent = await startAgent(config, { logger: log });
    stopOnSignal(log, [() => agent.close()]);
  },
);

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
  SETTINGS.filter((s) => !SERVE_ONLY.has(s.flag)),
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
