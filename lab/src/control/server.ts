// The lab's control endpoint (JSON over HTTP, loopback):
//   GET  /faults              active faults
//   PUT  /faults              {"faults":["cni-blocked"],"node":"lab-node-1","namespace":"shop"}
//                             (entries may also be "name@target" or {"name","node","namespace"}; [] = healthy)
//   GET  /api-server          {"availability":"up"}
//   PUT  /api-server          {"available":false,"mode":"refuse"|"unavailable"} or {"availability":"up"}
//   POST /api-server/compact  forget watch history (older resourceVersions get 410)
//   POST /restart             {"component":"ztunnel"|"istio-cni","node":"lab-node-1"}: restarts that container
//   GET  /targets             scrape targets of every simulated component
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { FAULT_CATALOG, FAULT_NAMES, FaultError, faultSpec, formatFaults, parseFault, type FaultSpec } from '../faults/catalog.js';
import type { ApiAvailability } from '../kube-api/server.js';
import type { HostPort } from '../options.js';
import { RestartError } from '../runtime/cluster.js';
import { RESTART_TARGETS, type ControlTarget, type RestartTarget } from './target.js';

class BadRequest extends Error {}

const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new BadRequest('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString().trim();
      if (!text) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BadRequest('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the PUT /faults body into fault specs. */
export function faultsFromBody(body: unknown): FaultSpec[] {
  if (typeof body !== 'object' || body === null) throw new BadRequest('expected a JSON object');
  const b = body as { faults?: unknown; node?: unknown; namespace?: unknown };
  const node = typeof b.node === 'string' && b.node ? b.node : undefined;
  const namespace = typeof b.namespace === 'string' && b.namespace ? b.namespace : undefined;
  const raw = typeof b.faults === 'string' ? b.faults.split(',').filter((s) => s.trim()) : b.faults;
  if (!Array.isArray(raw)) throw new BadRequest('"faults" must be a list (or a comma-separated string)');
  return raw.map((entry): FaultSpec => {
    let spec: FaultSpec;
    if (typeof entry === 'string') {
      spec = parseFault(entry.trim());
    } else if (typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string') {
      const e = entry as { name: string; node?: unknown; namespace?: unknown; reason?: unknown };
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      spec = faultSpec(e.name, undefined, str(e.reason));
      const [n, ns] = [str(e.node), str(e.namespace)];
      if (n) spec.node = n;
      if (ns) spec.namespace = ns;
    } else throw new BadRequest(`cannot read fault ${JSON.stringify(entry)}`);
    const scope = FAULT_CATALOG[spec.name].scope;
    if (scope === 'node' && !spec.node && node) spec.node = node;
    if (scope === 'namespace' && !spec.namespace && namespace) spec.namespace = namespace;
    return spec;
  });
}

function restartFromBody(body: unknown): { component: RestartTarget; node: string | undefined } {
  const b = (body ?? {}) as { component?: unknown; node?: unknown };
  const component = RESTART_TARGETS.find((c) => c === b.component);
  if (!component) throw new BadRequest(`"component" must be one of ${RESTART_TARGETS.join(', ')}`);
  if (b.node !== undefined && typeof b.node !== 'string') throw new BadRequest('"node" must be a node name');
  return { component, node: b.node || undefined };
}

function availabilityFromBody(body: unknown): ApiAvailability {
  const b = (body ?? {}) as { available?: unknown; mode?: unknown; availability?: unknown };
  if (b.availability === 'up' || b.availability === 'refuse' || b.availability === 'unavailable') return b.availability;
  if (b.available === true) return 'up';
  if (b.available === false) {
    if (b.mode === undefined || b.mode === 'refuse') return 'refuse';
    if (b.mode === 'unavailable') return 'unavailable';
    throw new BadRequest('"mode" must be "refuse" or "unavailable"');
  }
  throw new BadRequest('expected {"available": true|false, "mode"?: "refuse"|"unavailable"} or {"availability": "up"|"refuse"|"unavailable"}');
}

export class ControlServer {
  private readonly server: http.Server;
  private port = 0;

  constructor(
    private readonly address: HostPort,
    private readonly lab: ControlTarget,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        const bad = err instanceof BadRequest || err instanceof FaultError || err instanceof RestartError;
        send(res, bad ? 400 : 500, { error: err instanceof Error ? err.message : String(err) });
      });
    });
  }

  get url(): string {
    return `http://${this.address.host}:${this.port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.address.host, port: this.address.port }, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        if (a && typeof a === 'object') this.port = a.port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private faultState(): Record<string, unknown> {
    const faults = this.lab.faults();
    return { faults, text: formatFaults(faults), known: FAULT_NAMES, ...this.lab.info() };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://lab').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const write = method === 'PUT' || method === 'POST';
    if (path === '/faults' && method === 'GET') return send(res, 200, this.faultState());
    if (path === '/faults' && write) {
      await this.lab.setFaults(faultsFromBody(await readBody(req)));
      return send(res, 200, this.faultState());
    }
    if (path === '/api-server' && method === 'GET') return send(res, 200, { availability: this.lab.apiAvailability() });
    if (path === '/api-server' && write) {
      await this.lab.setApiAvailability(availabilityFromBody(await readBody(req)));
      return send(res, 200, { availability: this.lab.apiAvailability() });
    }
    if (path === '/api-server/compact' && write) {
      this.lab.compactApiHistory();
      return send(res, 200, { oldestResourceVersion: this.lab.resourceVersion() });
    }
    if (path === '/restart' && method === 'POST') {
      const { component, node } = restartFromBody(await readBody(req));
      await this.lab.restart(component, node);
      return send(res, 200, { restarted: component, node: node ?? this.lab.info().faultNode });
    }
    if (path === '/targets' && method === 'GET') return send(res, 200, this.lab.scrapeTargets());
    if (path === '/' && method === 'GET') {
      return send(res, 200, {
        endpoints: ['GET|PUT /faults', 'POST /restart', 'GET|PUT /api-server', 'POST /api-server/compact', 'GET /targets'],
        faults: Object.fromEntries(Object.entries(FAULT_CATALOG).map(([k, v]) => [k, v.summary])),
        ...this.faultState(),
      });
    }
    send(res, 404, { error: `no ${method} ${path}` });
  }
}
