// The settings of `ambient-exporter agent`: one table for flags, env vars and the YAML file, like
// `serve`'s (src/config.ts). Keys that mean the same in both modes keep the same names.
import { z } from 'zod';
import {
  AGENT_PORT,
  ConfigError,
  SCRAPE_LIMIT_FIELDS,
  SETTINGS,
  duration,
  hostPort,
  resolveSettings,
  scrapeBudgets,
  wholeNumber,
  type ConfigSources,
  type Setting,
} from '../config.js';
import { CNI_CONF_DIR } from './checks/index.js';

const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

/** A duration that may be zero (`0`, `0s`): a jitter of none. */
const durationOrZero = z.union([z.literal(['0', '0s', '0ms', 0]).transform(() => 0), duration]);

const schema = z
  .object({
    // every address: peers probe the node's VXLAN device address as well as its own (agent/peers/)
    listenAddress: hostPort.default(`:${AGENT_PORT}`),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    logFormat: z.enum(['json', 'text']).default('json'),
    refreshInterval: duration.default(15_000),
    scrapeTimeout: duration.default(5_000),
    // Optional: when not set it is 1s, or the scrape timeout if that is shorter.
    scrapeConnectTimeout: duration.optional(),
    scrapeMaxBytes: wholeNumber(1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    ...SCRAPE_LIMIT_FIELDS,
    kubeconfig: z.string().min(1).optional(),
    nodeName: z.string({ error: (i) => (i.input === undefined ? 'is required: the node this agent runs on (downward API spec.nodeName)' : 'must be a node name') }).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a node name (the downward API spec.nodeName)').max(253),
    istioNamespace: z.string().min(1).default('istio-system'),
    cniConfDir: z.string().min(1).default(CNI_CONF_DIR),
    vxlanPort: wholeNumber(1, 65535).optional(),
    // Optional: 1s, or a sixth of the refresh interval if shorter (a target's two small probes and its padded one fit in half a round).
    probeTimeout: duration.optional(),
    probeConcurrency: wholeNumber(1, 64).default(8),
    startJitter: durationOrZero.default(10_000),
  })
  .strict()
  .transform(scrapeBudgets)
  .transform((c) => ({ ...c, probeTimeout: c.probeTimeout ?? Math.min(DEFAULT_PROBE_TIMEOUT_MS, Math.floor(c.refreshInterval / 6)) }));

export type AgentConfig = z.output<typeof schema>;

export const AGENT_SETTINGS: readonly Setting[] = [
  { flag: 'node-name', arg: 'NODE', env: 'AMBIENT_NODE_NAME', key: 'nodeName', kind: 'string', help: 'the node this agent reports for (downward API spec.nodeName); required', default: 'required (downward API in the manifests)' },
  { flag: 'listen-address', arg: 'HOST:PORT', env: 'AMBIENT_LISTEN_ADDRESS', key: 'listenAddress', kind: 'string', help: `address to serve /summary, /plan, /probe and /metrics on (default :${AGENT_PORT}, every address)`, default: `\`:${AGENT_PORT}\`: every address of the node, its VXLAN device's included, where peers probe it` },
  { flag: 'log-level', arg: 'LEVEL', env: 'AMBIENT_LOG_LEVEL', key: 'logLevel', kind: 'string', help: 'debug, info, warn or error (default info)', default: '`info`' },
  { flag: 'log-format', arg: 'FORMAT', env: 'AMBIENT_LOG_FORMAT', key: 'logFormat', kind: 'string', help: 'json or text (default json)', default: '`json`' },
  { flag: 'refresh-interval', arg: 'DURATION', env: 'AMBIENT_REFRESH_INTERVAL', key: 'refreshInterval', kind: 'string', help: 'how often to check the node and scrape its ztunnel and istio-cni (default 15s)', default: '`15s`' },
  { flag: 'scrape-timeout', arg: 'DURATION', env: 'AMBIENT_SCRAPE_TIMEOUT', key: 'scrapeTimeout', kind: 'string', help: 'timeout of one local scrape (default 5s)', default: '`5s`' },
  { flag: 'scrape-connect-timeout', arg: 'DURATION', env: 'AMBIENT_SCRAPE_CONNECT_TIMEOUT', key: 'scrapeConnectTimeout', kind: 'string', help: 'timeout of the TCP connect of a local scrape, at most the scrape timeout (default 1s)', default: '`1s`, or the scrape timeout if shorter; never longer than it' },
  { flag: 'scrape-max-bytes', arg: 'BYTES', env: 'AMBIENT_SCRAPE_MAX_BYTES', key: 'scrapeMaxBytes', kind: 'string', help: 'largest accepted ztunnel or istio-cni body in bytes (default 67108864)', default: '`67108864`' },
  // the per-target sample limits, as serve's: the agent keeps what the exporter would
  ...SETTINGS.filter((s) => s.key in SCRAPE_LIMIT_FIELDS),
  { flag: 'kubeconfig', arg: 'FILE', env: 'AMBIENT_KUBECONFIG', key: 'kubeconfig', kind: 'string', help: 'kubeconfig file (default $KUBECONFIG, then in-cluster)', default: '`$KUBECONFIG`, then in-cluster' },
  { flag: 'istio-namespace', arg: 'NAMESPACE', env: 'AMBIENT_ISTIO_NAMESPACE', key: 'istioNamespace', kind: 'string', help: 'namespace of ztunnel and istio-cni (default istio-system)', default: '`istio-system`' },
  { flag: 'cni-conf-dir', arg: 'DIR', env: 'AMBIENT_CNI_CONF_DIR', key: 'cniConfDir', kind: 'string', help: "where the node's /etc/cni/net.d is mounted (default /etc/cni/net.d)", default: '`/etc/cni/net.d` (the manifests mount it read-only at `/host/etc/cni/net.d`)' },
  { flag: 'probe-timeout', arg: 'DURATION', env: 'AMBIENT_PROBE_TIMEOUT', key: 'probeTimeout', kind: 'string', help: 'timeout of one probe to a peer, connect and exchange; twice that for the padded one (default 1s, or a sixth of the refresh interval if shorter)', default: '`1s`, or a sixth of `--refresh-interval` if shorter; never longer than that (the padded probe: twice it)' },
  { flag: 'probe-concurrency', arg: 'N', env: 'AMBIENT_PROBE_CONCURRENCY', key: 'probeConcurrency', kind: 'string', help: 'peers probed at once (default 8)', default: '`8`' },
  { flag: 'start-jitter', arg: 'DURATION', env: 'AMBIENT_START_JITTER', key: 'startJitter', kind: 'string', help: 'wait a random time up to this before the first list of the API, so agents started together spread their lists (default 10s)', default: '`10s` (`0s`: none)' },
  { flag: 'vxlan-port', arg: 'PORT', env: 'AMBIENT_VXLAN_PORT', key: 'vxlanPort', kind: 'string', help: "Flannel's Backend.Port, checked against the device's (8472 upstream, 4789 on Talos); unset: not checked", default: 'unset (any port)' },
];

export function resolveAgentConfig(sources: ConfigSources): AgentConfig {
  const cfg = resolveSettings(schema, AGENT_SETTINGS, sources);
  if (cfg.scrapeTimeout >= cfg.refreshInterval) {
    throw new ConfigError('config: scrapeTimeout (--scrape-timeout, AMBIENT_SCRAPE_TIMEOUT): must be shorter than refreshInterval');
  }
  // a target's small probes and its padded one must fit in half an interval
  if (3 * cfg.probeTimeout > cfg.refreshInterval / 2) {
    throw new ConfigError('config: probeTimeout (--probe-timeout, AMBIENT_PROBE_TIMEOUT): must be at most a sixth of refreshInterval');
  }
  return cfg;
}
