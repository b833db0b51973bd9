import iconv from 'iconv-lite';

export const RECEIVE_HEADER = '伝票日付,伝票番号,明細行,業者CD,業者名,品名CD,品名,正味重量,数量,単位名,単価,金額';

/** A receive export for `days` days of a month, `kgPerDay` kg a day, encoded as CP932 like Shogun writes it. */
export function receiveCsvCp932(
  month: string,
  days: number,
  kgPerDay: number,
  slipPrefix = 'S',
  linesPerDay = 1,
): Buffer {
  const lines = [RECEIVE_HEADER];
  for (let d = 1; d <= days; d++) {
    const date = `${month.replace('-', '/')}/${String(d).padStart(2, '0')}`;
    const kg = kgPerDay / linesPerDay;
    for (let l = 1; l <= linesPerDay; l++)
      lines.push(`${date},${slipPrefix}${d},${l},V001,株式会社テスト,A01,混合廃棄物,${kg},1,kg,12,${kg * 12}`);
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp932');
}

/** A receive export with two bad rows (line 3: a date that does not exist, line 4: a weight that is not a number). */
export function badReceiveCsv(): Buffer {
  return Buffer.from(
    [
      RECEIVE_HEADER,
      '2025/04/01,B1,1,V001,業者,A01,木くず,800,1,kg,10,8000',
      '2025/02/30,B2,1,V001,業者,A01,木くず,800,1,kg,10,8000',
      '2025/04/02,B3,1,V001,業者,A01,木くず,abc,1,kg,10,8000',
    ].join('\r\n') + '\r\n',
  );
}
