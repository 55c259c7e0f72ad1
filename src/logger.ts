// Structured logs: JSON lines by default (for log pipelines), human text with --log-format text.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(opts: { level: string; format: 'json' | 'text' }): Logger {
  const base = { level: opts.level, base: { app: 'ambient-exporter' } };
  if (opts.format === 'text') {
    return pino(base, pretty({ colorize: false, sync: true, ignore: 'pid,hostname,app', translateTime: 'SYS:HH:MM:ss.l' }));
  }
  return pino({ ...base, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
