// Structured log lines (one JSON object a line) to a file in the profile and, when asked, stderr.
// Errors carry the account and server so a person can act on them; bodies and passwords never
// enter the log.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../protocols/adapter';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  file?: string;
  stderr?: boolean;
  minLevel?: Level;
}

export function createLogger(sink: LogSink, base: Record<string, unknown> = {}): Logger & { child(fields: Record<string, unknown>): Logger } {
  const min = order[sink.minLevel ?? 'info'];
  if (sink.file) mkdirSync(dirname(sink.file), { recursive: true });
  const write = (level: Level, msg: string, fields?: Record<string, unknown>): void => {
    if (order[level] < min) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...base, ...fields }) + '\n';
    if (sink.file) {
      try {
        appendFileSync(sink.file, line);
      } catch {
        // A full or read-only disk must not take the messenger down with it.
      }
    }
    if (sink.stderr) process.stderr.write(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(sink, { ...base, ...fields }),
  };
}
