import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { KINDS } from '@warehouse/api/kinds';
import { decodeHead, detectKind } from '../../src/detect.ts';

const header = (k: keyof typeof KINDS) => KINDS[k].columns.map((c) => c.header).join(',');

describe('detectKind (the upload page picks each file kind from its header row)', () => {
  it('knows each kind by its exact header, quoted or not, with CRLF', () => {
    for (const k of ['receive', 'shipment', 'yard'] as const) {
      expect(detectKind(`${header(k)}\r\n2025/04/01,S1\r\n`)).toBe(k);
      expect(
        detectKind(
          header(k)
            .split(',')
            .map((h) => `"${h}"`)
            .join(','),
        ),
      ).toBe(k);
    }
  });

  it('an unknown, partial or reordered header is no kind', () => {
    expect(detectKind('a,b,c')).toBeUndefined();
    expect(detectKind(header('receive').split(',').slice(0, -1).join(','))).toBeUndefined();
    expect(detectKind(header('receive').split(',').reverse().join(','))).toBeUndefined();
  });

  it('decodes CP932 and UTF-8 (with BOM, or cut inside a character) alike', () => {
    const text = `${header('shipment')}\r\n`;
    expect(detectKind(decodeHead(new Uint8Array(iconv.encode(text, 'cp932'))))).toBe('shipment');
    expect(detectKind(decodeHead(new Uint8Array(Buffer.from(`\uFEFF${text}`))))).toBe('shipment');
    const cut = Buffer.from(`${text}2025/04/01,S1,1,V1,業者`);
    expect(detectKind(decodeHead(new Uint8Array(cut.subarray(0, cut.length - 1))))).toBe('shipment');
  });
});
