import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createApiLogger } from '../src/logger.ts';

function capture(format: 'json' | 'pretty' | undefined, isTTY: boolean): string {
  const destination = new PassThrough();
  let out = '';
  destination.on('data', (d: Buffer) => (out += d.toString()));
  const logger = createApiLogger({ logLevel: 'info', logFormat: format }, { isTTY, destination });
  logger.info({ uploadId: 42 }, 'upload stored');
  return out;
}

describe('API logger', () => {
  it('writes JSON lines when stdout is not a terminal', () => {
    const line = JSON.parse(capture(undefined, false).trim());
    expect(line).toMatchObject({ level: 30, msg: 'upload stored', uploadId: 42 });
  });

  it('writes human-readable lines on a terminal', () => {
    const out = capture(undefined, true);
    expect(out).toMatch(/INFO.*upload stored/);
    expect(out).toContain('uploadId: 42');
    expect(() => JSON.parse(out)).toThrow();
  });

  it('LOG_FORMAT overrides the terminal check either way', () => {
    expect(JSON.parse(capture('json', true).trim()).msg).toBe('upload stored');
    expect(capture('pretty', false)).toMatch(/INFO.*upload stored/);
  });

  it('an unknown LOG_FORMAT is a configuration error naming the fix', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT="xml" is not json or pretty; unset it/);
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });
});
