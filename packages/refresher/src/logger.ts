import { pino, type Logger } from 'pino';

/** A pino logger writing JSON lines to stderr (stdout stays data for the CLI). */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'refresher', level: options.level ?? 'info' }, pino.destination(2));
}
