import { describe, expect, it } from 'vitest';
import { maskSecrets, maskUrl } from '../src/index.ts';

describe('secrets are masked', () => {
  it('in the authority, in ?password= / ?sslpassword=, in URLs that do not parse, and in free text', () => {
    const cases: [string, string][] = [
      ['postgres://u:S3cr3t@h:5/db', 'postgres://u:****@h:5/db'],
      ['postgres://u@h/db?password=S3cr3t&sslmode=disable', 'postgres://u@h/db?password=****&sslmode=disable'],
      ['postgres://u@h/db?sslpassword=S3cr3t', 'postgres://u@h/db?sslpassword=****'],
      ['postgres://u:S3/cr@3t@h:notaport/db', 'postgres://u:****@h:notaport/db'],
      ['postgres://u:S3 cr3t@h:x/db?password=S3cr3t', 'postgres://u:****@h:x/db?password=****'],
      ['host=h password=S3cr3t dbname=x', 'host=h password=**** dbname=x'],
    ];
    for (const [raw, masked] of cases) {
      expect(maskUrl(raw)).toBe(masked);
      expect(maskUrl(raw)).not.toMatch(/S3/);
    }
    const text = maskSecrets(
      'connect to postgres://u:S3cr3t@h:5/db failed; also postgres://x@h/db?password=S3cr3t and password=S3cr3t',
    );
    expect(text).not.toContain('S3cr3t');
    expect(text).toContain('postgres://u:****@h:5/db');
  });
});

describe('masking', () => {
  it('masks the authority password, ?password= and PGPASSWORD= in text', () => {
    expect(maskUrl('postgres://u:secret@h/db?password=other')).not.toMatch(/secret|other/);
    expect(maskSecrets('failed: PGPASSWORD=secret psql')).not.toContain('secret');
    expect(maskSecrets("conninfo host='h' password='se cret'")).not.toContain('se cret');
  });
});
