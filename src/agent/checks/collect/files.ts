// Reading files for the checks, with failures in the checks' vocabulary. Reads are capped.
import { open } from 'node:fs/promises';
import type { Collected, CollectFailure } from '../types.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function fileFailure(err: unknown): { ok: false; failure: CollectFailure; detail: string } {
  const e = err as NodeJS.ErrnoException;
  const failure: CollectFailure = e.code === 'ENOENT' ? 'not_found' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission_denied' : 'command_failed';
  return { ok: false, failure, detail: e.message };
}

/** The file's text (at most 4 MiB), or why it could not be read. */
export async function readCapped(path: string): Promise<Collected<string>> {
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(MAX_FILE_BYTES);
      // /proc files report size 0: read until end of file (or the cap)
      let size = 0;
      while (size < buf.length) {
        const { bytesRead } = await handle.read(buf, size, buf.length - size, null);
        if (bytesRead === 0) break;
        size += bytesRead;
      }
      return { ok: true, value: buf.subarray(0, size).toString('utf8') };
    } finally {
      await handle.close();
    }
  } catch (err) {
    return fileFailure(err);
  }
}
