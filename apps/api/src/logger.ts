import type { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { ApiConfig } from './config.ts';

/**
 * The API's logger: human-readable lines (pino-pretty: time, level, message, fields) when stdout
 * is a terminal, one JSON object per line otherwise (files, pipes, log collectors, CI).
 * `LOG_FORMAT=json|pretty` (read by config.ts) overrides the choice. Authorization and cookie
 * headers are redacted wherever they appear in a logged object; request URLs go through
 * {@link redactUrl} before they are logged.
 */
/** Query-string parameters whose values are secrets: tokens, passwords, keys, signatures. */
const SECRET_PARAM = /token|passw|pwd|secret|api[-_]?key|^key$|auth|credential|signature|^sig$|session|cookie/i;

/**
 * A request URL (path and query) as it may be logged: the value of every query parameter whose
 * name says it is a secret (`access_token`, `token`, `password`, `api_key`, …, also when the name
 * is percent-encoded) is replaced by `[REDACTED]`; everything else is kept as sent.
 *
 * @example
 * redactUrl('/uploads?limit=5&access_token=s3cret') // '/uploads?limit=5&access_token=[REDACTED]'
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split(/([&;])/)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const raw = eq < 0 ? pair : pair.slice(0, eq);
      let name = raw;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the name as sent
      }
      return eq >= 0 && SECRET_PARAM.test(name) ? `${raw}=[REDACTED]` : pair;
    })
    .join('');
  return `${url.slice(0, q)}?${query}`;
}

/** Paths pino blanks in any logged object: credentials sent as headers. */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
];
/**
 * Options every API logger is built with: header credentials redacted, and a request logged as
 * `req` (Fastify does so on some internal errors) shows its method, redacted URL and id only.
 */
export const LOG_OPTIONS = {
  redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
  serializers: {
    req: (req: { id?: unknown; method?: unknown; url?: unknown }) => ({
      id: req.id,
      method: req.method,
      url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    }),
  },
};

export function createApiLogger(
  config: Pick<ApiConfig, 'logLevel' | 'logFormat'>,
  io: { isTTY?: boolean; destination?: Writable } = {},
): Logger {
  const level = config.logLevel;
  const format = config.logFormat ?? ((io.isTTY ?? Boolean(process.stdout.isTTY)) ? 'pretty' : 'json');
  if (format === 'json')
    return io.destination ? pino({ level, ...LOG_OPTIONS }, io.destination) : pino({ level, ...LOG_OPTIONS });
  return pino(
    { level, ...LOG_OPTIONS },
    pretty({
      sync: true,
      colorize: !io.destination && !process.env.NO_COLOR,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(io.destination ? { destination: io.destination } : {}),
    }),
  );
}
