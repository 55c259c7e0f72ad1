// One configuration schema for flags, environment variables and the YAML file. Precedence:
// flag > env > file > default. Any bad value stops start-up with one line naming the key.
import { readFileSync } from 'node:fs';
import { isScalar, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { AGENT_NAMESPACE } from './istio.js';
import { parseEnablementSelectors } from './kube/enablement.js';
import { parseSelector } from './kube/selector.js';
import { DEFAULT_PEER_PROBERS, PEER_PROBERS_MAX } from './peers/plan.js';
import { DEFAULT_SAMPLE_LIMITS } from './scrape/limits.js';
import type { SampleLimits } from './scrape/parser.js';
import { parseStaticTarget } from './scrape/targets.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d+$/, 'must be host:port')
  .superRefine((v, ctx) => {
    const port = Number(v.slice(v.lastIndexOf(':') + 1));
    if (port > 65535) ctx.addIssue({ code: 'custom', message: `port ${port} is not between 0 and 65535` });
  });

/**
 * The longest accepted duration. Node's timers hold at most 2^31-1 ms (about 24.8 days) and fire
 * at once, in a loop, past that; a day is far beyond any sensible interval or timeout here.
 */
export const MAX_DURATION_MS = 24 * 3_600_000;
const MAX_DURATION_TEXT = '24h';

/** A duration string (15s, 500ms, 1m30s) or, from YAML, a number of seconds; whole milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const raw = typeof v === 'number' ? v * 1000 : parseDuration(v);
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (raw === undefined || !(raw > 0)) return fail(`"${v}" is not a positive duration like 15s, 500ms or 1m`);
  // Decimal fractions are not exact in binary (1.1 * 1000 = 1100.0000000000002): round to whole ms first.
  const ms = Math.round(raw);
  if (Math.abs(raw - ms) > 1e-6 || ms < 1) return fail(`"${v}" is not a whole number of milliseconds`);
  if (ms > MAX_DURATION_MS) return fail(`"${v}" is longer than ${MAX_DURATION_TEXT}`);
  return ms;
});

/**
 * A whole number in [min, max]: a YAML integer, or decimal digits from a flag or the environment.
 * Nothing is coerced: true, [7], 7.5 and (see readFile) 0x10 or 1e6 are refused.
 */
export function wholeNumber(min: number, max: number) {
  return z.unknown().transform((v, ctx): number => {
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    let n: number;
    if (typeof v === 'number' && Number.isInteger(v)) n = v;
    else if (typeof v === 'string' && /^\s*[0-9]+\s*$/.test(v)) n = Number(v);
    else return fail(`${typeof v === 'string' || typeof v === 'number' ? `"${v}"` : JSON.stringify(v)} is not a whole number like ${min === 0 ? 32 : Math.max(min, 32)}`);
    if (n < min || n > max) return fail(`${n} is not between ${min} and ${max}`);
    return n;
  });
}
const stringList = z.array(z.string().min(1));

/** The node agents' summary and metrics port (`ambient-exporter agent`): one above the exporter's 9479. */
export const AGENT_PORT = 9480;

/** A blackholed pod costs this much of a round, not the whole scrape timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;

/** The per-target sample limits (scrape/limits.ts), settings of every mode that scrapes. */
export const SCRAPE_LIMIT_FIELDS = {
  scrapeSampleLimit: wholeNumber(1, 100_000).default(DEFAULT_SAMPLE_LIMITS.samples),
  scrapeLabelLimit: wholeNumber(1, 256).default(DEFAULT_SAMPLE_LIMITS.labels),
  scrapeLabelNameLengthLimit: wholeNumber(1, 1024).default(DEFAULT_SAMPLE_LIMITS.labelNameLength),
  scrapeLabelValueLengthLimit: wholeNumber(1, 65_536).default(DEFAULT_SAMPLE_LIMITS.labelValueLength),
};

interface ScrapeSettings {
  scrapeTimeout: number;
  scrapeConnectTimeout?: number | undefined;
  scrapeSampleLimit: number;
  scrapeLabelLimit: number;
  scrapeLabelNameLengthLimit: number;
  scrapeLabelValueLengthLimit: number;
}

/**
 * A mode's scrape settings as the scraper takes them: the connect timeout (1s, or the scrape timeout
 * if shorter, when not set; never longer than it) and the four per-target limits.
 */
export function scrapeBudgets<C extends ScrapeSettings>(c: C, ctx: z.RefinementCtx): Omit<C, 'scrapeConnectTimeout'> & { scrapeConnectTimeout: number; scrapeLimits: SampleLimits } {
  if (c.scrapeConnectTimeout !== undefined && c.scrapeConnectTimeout > c.scrapeTimeout) {
    ctx.addIssue({ code: 'custom', path: ['scrapeConnectTimeout'], message: 'must not be longer than scrapeTimeout' });
  }
  return {
    ...c,
    scrapeConnectTimeout: c.scrapeConnectTimeout ?? Math.min(DEFAULT_CONNECT_TIMEOUT_MS, c.scrapeTimeout),
    /** the four per-target limits, as the scraper takes them */
    scrapeLimits: {
      samples: c.scrapeSampleLimit,
      labels: c.scrapeLabelLimit,
      labelNameLength: c.scrapeLabelNameLengthLimit,
      labelValueLength: c.scrapeLabelValueLengthLimit,
    },
  };
}

export const DEFAULT_ENROLL_EXCLUDE = ['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'kube-flannel'];

const schema = z
  .object({
    listenAddress: hostPort.default('0.0.0.0:9479'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    logFormat: z.enum(['json', 'text']).default('json'),
    refreshInterval: duration.default(15_000),
    scrapeTimeout: duration.default(5_000),
    // Optional: when not set it is 1s, or the scrape timeout if that is shorter.
    scrapeConnectTimeout: duration.optional(),
    scrapeConcurrency: wholeNumber(1, 1024).default(32),
    scrapeMaxBytes: wholeNumber(1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    ...SCRAPE_LIMIT_FIELDS,
    maxStateAge: duration.default(60_000),
    kube: z.boolean().default(true),
    kubeconfig: z.string().min(1).optional(),
    istioNamespace: z.string().min(1).default('istio-system'),
    istiodService: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service name').default('istiod'),
    nodeName: z.string().min(1).optional(),
    agentNamespace: z.string().min(1).default(AGENT_NAMESPACE),
    agentPort: wholeNumber(1, 65535).default(AGENT_PORT),
    peerProbers: wholeNumber(0, PEER_PROBERS_MAX).default(DEFAULT_PEER_PROBERS),
    targets: stringList.default([]).superRefine((specs, ctx) => {
      for (const spec of specs) {
        try {
          parseStaticTarget(spec);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return;
        }
      }
    }),
    enrollment: z
      .object({
        namespaces: stringList.default([]),
        selector: z
          .string()
          .min(1)
          .optional()
          .superRefine((v, ctx) => {
            if (v === undefined) return;
            try {
              parseSelector(v);
            } catch (err) {
              ctx.addIssue({ code: 'custom', message: (err as Error).message });
            }
          }),
        exclude: stringList.default(DEFAULT_ENROLL_EXCLUDE),
        // istio-cni's ambient.enablementSelectors, as YAML (the chart's AMBIENT_ENABLEMENT_SELECTOR) or a list in the file
        enablementSelectors: z
          .union([z.string().min(1), z.array(z.unknown())])
          .optional()
          .transform((v, ctx) => {
            if (v === undefined) return undefined;
            try {
              return parseEnablementSelectors(v);
            } catch (err) {
              ctx.addIssue({ code: 'custom', message: (err as Error).message.split('\n')[0]! });
              return z.NEVER;
            }
          }),
      })
      .strict()
      .default({ namespaces: [], exclude: DEFAULT_ENROLL_EXCLUDE, enablementSelectors: undefined }),
  })
  .strict()
  .transform(scrapeBudgets);

export type Config = z.output<typeof schema>;
type RawConfig = Record<string, unknown> & { enrollment?: Record<string, unknown> };

/** Flag name, env var and config path of every setting: the single table the CLI and docs read. */
export interface Setting {
  flag: string;
  /** what the flag's value is, as help and the README show it (e.g. DURATION); none for booleans */
  arg?: string;
  env: string;
  key: string;
  help: string;
  kind: 'string' | 'list' | 'boolean';
  /** the default as the README's settings table shows it (markdown) */
  default: string;
}

export const SETTINGS: readonly Setting[] = [
  { flag: 'listen-address', arg: 'HOST:PORT', env: 'AMBIENT_LISTEN_ADDRESS', key: 'listenAddress', kind: 'string', help: 'address to serve /metrics on (default 0.0.0.0:9479)', default: '`0.0.0.0:9479`' },
  { flag: 'log-level', arg: 'LEVEL', env: 'AMBIENT_LOG_LEVEL', key: 'logLevel', kind: 'string', help: 'debug, info, warn or error (default info)', default: '`info`' },
  { flag: 'log-format', arg: 'FORMAT', env: 'AMBIENT_LOG_FORMAT', key: 'logFormat', kind: 'string', help: 'json or text (default json)', default: '`json` (`text` for people)' },
  { flag: 'refresh-interval', arg: 'DURATION', env: 'AMBIENT_REFRESH_INTERVAL', key: 'refreshInterval', kind: 'string', help: 'how often to scrape, probe and derive (default 15s)', default: '`15s`' },
  { flag: 'scrape-timeout', arg: 'DURATION', env: 'AMBIENT_SCRAPE_TIMEOUT', key: 'scrapeTimeout', kind: 'string', help: 'timeout of one scrape or probe (default 5s)', default: '`5s`' },
  { flag: 'scrape-connect-timeout', arg: 'DURATION', env: 'AMBIENT_SCRAPE_CONNECT_TIMEOUT', key: 'scrapeConnectTimeout', kind: 'string', help: 'timeout of the TCP connect of a scrape or probe, at most the scrape timeout (default 1s)', default: '`1s`, or the scrape timeout if shorter; never longer than it (a blackholed pod costs this, not the whole scrape timeout)' },
  { flag: 'scrape-concurrency', arg: 'N', env: 'AMBIENT_SCRAPE_CONCURRENCY', key: 'scrapeConcurrency', kind: 'string', help: 'targets scraped (and probed) at once (default 32)', default: '`32`' },
  { flag: 'scrape-max-bytes', arg: 'BYTES', env: 'AMBIENT_SCRAPE_MAX_BYTES', key: 'scrapeMaxBytes', kind: 'string', help: 'largest accepted response body in bytes (default 67108864)', default: '`67108864` (64 MiB: a ztunnel with 50,000 traffic series serves about 48 MB; the body is streamed, not held)' },
  { flag: 'scrape-sample-limit', arg: 'N', env: 'AMBIENT_SCRAPE_SAMPLE_LIMIT', key: 'scrapeSampleLimit', kind: 'string', help: 'most samples kept from one scrape; more fail it (default 200)', default: '`200` samples kept per scrape (of the few families the exporter reads: a ztunnel has about 10); more fail the scrape with `reason="sample_limit"`, like Prometheus\' `sample_limit`' },
  { flag: 'scrape-label-limit', arg: 'N', env: 'AMBIENT_SCRAPE_LABEL_LIMIT', key: 'scrapeLabelLimit', kind: 'string', help: 'most labels on a kept sample (default 16)', default: '`16` labels per kept sample; more fail the scrape with `reason="label_limit"`' },
  { flag: 'scrape-label-name-length-limit', arg: 'N', env: 'AMBIENT_SCRAPE_LABEL_NAME_LENGTH_LIMIT', key: 'scrapeLabelNameLengthLimit', kind: 'string', help: 'longest label name of a kept sample, in characters (default 128)', default: '`128` characters (`reason="label_limit"` past it)' },
  { flag: 'scrape-label-value-length-limit', arg: 'N', env: 'AMBIENT_SCRAPE_LABEL_VALUE_LENGTH_LIMIT', key: 'scrapeLabelValueLengthLimit', kind: 'string', help: 'longest label value of a kept sample, in characters (default 256)', default: '`256` characters (`reason="label_limit"` past it)' },
  { flag: 'max-state-age', arg: 'DURATION', env: 'AMBIENT_MAX_STATE_AGE', key: 'maxStateAge', kind: 'string', help: 'withdraw the verdicts when the view of the API is older than this (watches down) (default 60s)', default: '`60s` (past it the exporter serves no verdict and `AmbientExporterBlind` fires)' },
  { flag: 'kube', env: 'AMBIENT_KUBE', key: 'kube', kind: 'boolean', help: 'watch the Kubernetes API (--no-kube: static targets only)', default: 'watch the API' },
  { flag: 'kubeconfig', arg: 'FILE', env: 'AMBIENT_KUBECONFIG', key: 'kubeconfig', kind: 'string', help: 'kubeconfig file (default $KUBECONFIG, then in-cluster)', default: '`$KUBECONFIG`, then in-cluster' },
  { flag: 'istio-namespace', arg: 'NAMESPACE', env: 'AMBIENT_ISTIO_NAMESPACE', key: 'istioNamespace', kind: 'string', help: 'namespace of istiod, ztunnel and istio-cni (default istio-system)', default: '`istio-system`' },
  { flag: 'istiod-service', arg: 'SERVICE', env: 'AMBIENT_ISTIOD_SERVICE', key: 'istiodService', kind: 'string', help: "istiod's Service in the Istio namespace, used when the ztunnel pods name none in their XDS_ADDRESS (default istiod)", default: '`istiod`; the ztunnel pods\' `XDS_ADDRESS` wins (`istiod-REVISION` on revisioned installs)' },
  { flag: 'node-name', arg: 'NODE', env: 'AMBIENT_NODE_NAME', key: 'nodeName', kind: 'string', help: 'node this exporter runs on (downward API spec.nodeName)', default: 'unset (downward API in the manifests)' },
  { flag: 'agent-namespace', arg: 'NAMESPACE', env: 'AMBIENT_AGENT_NAMESPACE', key: 'agentNamespace', kind: 'string', help: 'namespace of the node agents (ambient-exporter agent) whose summaries are read (default ambient-exporter-agent)', default: '`ambient-exporter-agent`; agent pods elsewhere are ignored' },
  { flag: 'agent-port', arg: 'PORT', env: 'AMBIENT_AGENT_PORT', key: 'agentPort', kind: 'string', help: "port of the node agents' /summary (default 9480)", default: '`9480`' },
  { flag: 'peer-probers', arg: 'K', env: 'AMBIENT_PEER_PROBERS', key: 'peerProbers', kind: 'string', help: `node agents probing each node (rendezvous hashing; 0: no neighbour probing) (default ${DEFAULT_PEER_PROBERS})`, default: `\`${DEFAULT_PEER_PROBERS}\` (at most ${PEER_PROBERS_MAX}; \`0\`: the agents probe no peer); each adds one \`ambient_node_peer_reachable\` series per node` },
  { flag: 'target', arg: 'C:NODE=URL', env: 'AMBIENT_TARGETS', key: 'targets', kind: 'list', help: 'static target COMPONENT:NODE=URL (repeatable)', default: 'none' },
  { flag: 'enroll-namespace', arg: 'NAMESPACE', env: 'AMBIENT_ENROLL_NAMESPACES', key: 'enrollment.namespaces', kind: 'list', help: 'namespace that must be in the mesh (repeatable)', default: 'none' },
  { flag: 'enroll-selector', arg: 'SELECTOR', env: 'AMBIENT_ENROLL_SELECTOR', key: 'enrollment.selector', kind: 'string', help: 'label selector of namespaces that must be in the mesh', default: 'none' },
  { flag: 'enablement-selectors', arg: 'YAML', env: 'AMBIENT_ENABLEMENT_SELECTORS', key: 'enrollment.enablementSelectors', kind: 'string', help: "istio-cni's ambient.enablementSelectors (1.27+), as YAML, when your install changed them", default: "the chart's default: a pod labelled `istio.io/dataplane-mode=ambient`, or not `none` in a namespace labelled `ambient`" },
  { flag: 'enroll-exclude', arg: 'NAMESPACE', env: 'AMBIENT_ENROLL_EXCLUDE', key: 'enrollment.exclude', kind: 'list', help: 'namespace never expected in the mesh (repeatable)', default: '`kube-system`, `kube-public`, `kube-node-lease`, `istio-system`, `kube-flannel`' },
];

export interface ConfigSources {
  /** parsed flag values keyed by setting key (as produced by the CLI) */
  flags?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** path of the YAML config file, if any */
  file?: string;
}

function setPath(target: RawConfig, key: string, value: unknown): void {
  const [head, tail] = key.split('.', 2) as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  inner[tail] = value;
}

function readFile(path: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const parsed = parseDocument(text);
  if (parsed.errors.length > 0) throw new ConfigError(`config: ${path} is not valid YAML: ${parsed.errors[0]!.message.split('\n')[0]}`);
  // YAML reads 0x10, 0o17 and 1e6 as numbers: hand the schema what was written, so it can refuse
  // anything but a plain decimal number instead of silently taking 16, 15 or 1000000.
  visit(parsed, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'number' && node.source !== undefined && !/^[-+]?[0-9]+(\.[0-9]+)?$/.test(node.source)) {
        node.value = node.source;
      }
    },
  });
  const doc: unknown = parsed.toJS();
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config: ${path} must hold a mapping of settings`);
  return doc as RawConfig;
}

function fromEnv(env: Record<string, string | undefined>, settings: readonly Setting[]): RawConfig {
  const raw: RawConfig = {};
  for (const s of settings) {
    const v = env[s.env];
    if (v === undefined || v === '') continue;
    if (s.kind === 'list') setPath(raw, s.key, v.split(',').map((x) => x.trim()).filter(Boolean));
    else if (s.kind === 'boolean') {
      if (!/^(true|false|1|0)$/i.test(v)) throw new ConfigError(`config: ${s.key} (--${s.flag}, ${s.env}): "${v}" must be true or false`);
      setPath(raw, s.key, /^(true|1)$/i.test(v));
    } else setPath(raw, s.key, v);
  }
  return raw;
}

function merge(...layers: RawConfig[]): RawConfig {
  const out: RawConfig = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      // a nested section (enrollment) merges key by key: a flag for one of its keys keeps the file's others
      const before = out[k];
      if (isSection(v) && isSection(before)) out[k] = { ...before, ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) };
      else if (isSection(v)) out[k] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
      else out[k] = v;
    }
  }
  return out;
}

function isSection(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function settingName(path: PropertyKey[], settings: readonly Setting[]): string {
  const key = path.map(String).filter((p) => !/^\d+$/.test(p)).join('.');
  const s = settings.find((x) => x.key === key);
  return s ? `${key} (--${s.flag}, ${s.env})` : key || 'config';
}

/**
 * Why the listen address could not be bound, as a ConfigError naming the key: the address is in
 * use, needs privileges, does not resolve, or belongs to no interface of this machine.
 */
export function listenError(err: unknown, address: string): ConfigError {
  const e = err as NodeJS.ErrnoException;
  const host = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  const why: Record<string, string> = {
    EADDRINUSE: `${address} is already in use`,
    EACCES: `no permission to listen on ${address} (ports below 1024 need privileges)`,
    EPERM: `no permission to listen on ${address}`,
    ENOTFOUND: `host ${host} does not resolve`,
    EAI_AGAIN: `host ${host} does not resolve (DNS unavailable)`,
    EADDRNOTAVAIL: `${host} is not an address of this machine`,
  };
  const message = (e?.code && why[e.code]) || `cannot listen on ${address}: ${e?.message ?? String(err)}`;
  return new ConfigError(`config: ${settingName(['listenAddress'], SETTINGS)}: ${message}`);
}


/**
 * Validate every source (file < env < flags) against one command's schema and settings table, or
 * throw ConfigError with one line naming the key. `serve` and `agent` each have theirs.
 */
export function resolveSettings<T extends z.ZodType>(schema: T, settings: readonly Setting[], sources: ConfigSources): z.output<T> {
  const env = sources.env ?? {};
  const filePath = sources.file ?? env.AMBIENT_CONFIG;
  const fileLayer = filePath ? readFile(filePath) : {};
  const flagLayer: RawConfig = {};
  for (const [k, v] of Object.entries(sources.flags ?? {})) if (v !== undefined) setPath(flagLayer, k, v);
  const raw = merge(fileLayer, fromEnv(env, settings), flagLayer);
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = filePath && issue.code === 'unrecognized_keys' ? ` in ${filePath}` : '';
    const what = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}${where}` : issue.message;
    throw new ConfigError(issue.path.length === 0 ? `config: ${what}` : `config: ${settingName(issue.path, settings)}: ${what}`);
  }
  return result.data;
}

/** Validate every source into one Config, or throw ConfigError with one line naming the key. */
export function resolveConfig(sources: ConfigSources): Config {
  const cfg = resolveSettings(schema, SETTINGS, sources);
  if (!cfg.kube && cfg.targets.length === 0) {
    throw new ConfigError('config: targets (--target, AMBIENT_TARGETS): --no-kube needs at least one static target');
  }
  if (cfg.scrapeTimeout >= cfg.refreshInterval) {
    throw new ConfigError(`config: scrapeTimeout (--scrape-timeout, AMBIENT_SCRAPE_TIMEOUT): must be shorter than refreshInterval`);
  }
  return cfg;
}
