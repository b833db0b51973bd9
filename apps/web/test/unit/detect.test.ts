import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { KINDS } from '@warehouse/api/kinds';
import { decodeHead, detectKind, fileMonths, flavourMismatch, runningMonth, slipMonths } from '../../src/detect.ts';

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

describe('the flavour against the file’s dates (warned before upload)', () => {
  const csv = (dates: string[]) => `${header('receive')}\r\n${dates.map((d) => `${d},S1,1`).join('\r\n')}\r\n`;

  it('reads the months of the slip dates, quoted or not, CP932 or UTF-8, whole or by its ends', async () => {
    expect(slipMonths(csv(['2025/03/31', '"2025/04/01"', '2025/3/5']))).toEqual(['2025-03', '2025-04']);
    expect(slipMonths(header('receive'))).toEqual([]);
    expect(
      await fileMonths(new Blob([new Uint8Array(iconv.encode(csv(['2024/12/01', '2025/01/02']), 'cp932'))])),
    ).toEqual(['2024-12', '2025-01']);
    // Larger than 32 MiB: the first and last 4 MiB are read (a Shogun export runs in date order).
    const filler = `2025/02/10,S1,1${' '.repeat(1000)}\r\n`.repeat(40_000);
    const big = new Blob([csv(['2025/01/05']), filler, csv(['2025/06/30']).split('\r\n').slice(1).join('\r\n')]);
    expect(big.size).toBeGreaterThan(32 * 2 ** 20);
    expect(await fileMonths(big)).toEqual(['2025-01', '2025-02', '2025-06']);
  });

  it('flash for closed months only, or final with the running month, is a mismatch', () => {
    expect(flavourMismatch('flash', ['2025-10', '2025-11'], '2025-12')).toBe('flashClosedMonth');
    expect(flavourMismatch('flash', ['2025-11', '2025-12'], '2025-12')).toBeUndefined();
    expect(flavourMismatch('final', ['2025-11'], '2025-12')).toBeUndefined();
    expect(flavourMismatch('final', ['2025-11', '2025-12'], '2025-12')).toBe('finalRunningMonth');
    expect(flavourMismatch('final', ['2026-01'], '2025-12')).toBe('finalRunningMonth');
    expect(flavourMismatch('flash', [], '2025-12')).toBeUndefined();
  });

  it('the running month is Japan’s: 2025-11-30 15:00 UTC is already December in Tokyo', () => {
    expect(runningMonth(new Date('2025-11-30T14:59:00Z'))).toBe('2025-11');
    expect(runningMonth(new Date('2025-11-30T15:00:00Z'))).toBe('2025-12');
  });
});
