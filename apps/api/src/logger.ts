import type { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { ApiConfig } from './config.ts';

/**
 * The API's logger: human-readable lines (pino-pretty: time, level, message, fields) when stdout
 * is a terminal, one JSON object per line otherwise (files, pipes, log collectors, CI).
 * `LOG_FORMAT=json|pretty` (read by config.ts) overrides the choice.
 */
export function createApiLogger(
  config: Pick<ApiConfig, 'logLevel' | 'logFormat'>,
  io: { isTTY?: boolean; destination?: Writable } = {},
): Logger {
  const level = config.logLevel;
  const format = config.logFormat ?? ((io.isTTY ?? Boolean(process.stdout.isTTY)) ? 'pretty' : 'json');
  if (format === 'json') return io.destination ? pino({ level }, io.destination) : pino({ level });
  return pino(
    { level },
    pretty({
      sync: true,
      colorize: !io.destination && !process.env.NO_COLOR,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(io.destination ? { destination: io.destination } : {}),
    }),
  );
}
