// metav1.Status bodies, as the API server returns them for errors (and inside watch ERROR events).

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const notFound = (plural: string, name: string, group = '') =>
  statusBody(404, 'NotFound', `${plural}${group ? `.${group}` : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural });

export const pageNotFound = () => statusBody(404, 'NotFound', 'the server could not find the requested resource', {});

export const badRequest = (message: string) => statusBody(400, 'BadRequest', message);

export const methodNotAllowed = (method: string) =>
  statusBody(405, 'MethodNotAllowed', `the lab API server is read-only: ${method} is not supported`, {});

/** What the watch cache sends for a resourceVersion older than it keeps (storage/cacher). */
export const expired = (rv: number, oldest: number) => statusBody(410, 'Expired', `too old resource version: ${rv} (${oldest})`);

export const unavailable = () => statusBody(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
