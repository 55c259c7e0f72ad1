// Probes across the lab, from any namespace to any other, made by the endpoint process of the
// probing namespace (the request leaves from there) and asked for over its control socket.
import http from 'node:http';
import type { ProbeResult } from './probe-result.js';

/** A namespace with an endpoint: a node's host network or one of its pods. */
export interface Site {
  /** `node-1` for a host, `node-1-pod-1` for a pod */
  name: string;
  netns: string;
  ip: string;
  port: number;
  /** the endpoint's control socket */
  control: string;
}

export interface ProbeOptions {
  /** response body size; PADDED_BYTES is far past any MTU */
  bytes?: number;
  timeoutMs?: number;
}

/** A small request and response: fits in one packet on any MTU the lab uses. */
export const SMALL_BYTES = 16;
/** A response of many full-size segments: what an MTU blackhole stalls. */
export const PADDED_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 1_500;

export function probe(from: Site, to: Site, options: ProbeOptions = {}): Promise<ProbeResult> {
  const bytes = options.bytes ?? SMALL_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = `http://${to.ip}:${to.port}/payload?bytes=${bytes}`;
  const query = new URLSearchParams({ url: target, timeoutMs: String(timeoutMs), bytes: String(bytes) });
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: from.control, path: `/probe?${query}`, timeout: timeoutMs + 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as ProbeResult);
        } catch {
          reject(new Error(`endpoint in ${from.netns} answered ${res.statusCode}: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`endpoint in ${from.netns} did not answer`)));
    req.on('error', reject);
  });
}
