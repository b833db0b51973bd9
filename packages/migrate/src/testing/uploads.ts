/**
 * A synthetic upload history in log.upload_file (rows only, no file bytes or stg rows), for the
 * history page's tests and `pnpm bench:history`: ids grow with time, one upload every
 * `spacingMinutes` from `start`; kinds 6:3:1 receive/shipment/yard; a third final (a whole month,
 * the month before the upload), the rest flash (the day before the upload); a few failed (some
 * before any date was read), held and reverted; names like `受入一覧_速報_20240312_17.csv`.
 */
import type { Queryable } from '@warehouse/db/uploads/upload-file';
import { CSV_TYPE, FLAVOUR, UPLOAD_STATUS } from '@warehouse/db/kinds';

export interface SyntheticUploads {
  count: number;
  /** when the first one was made (default 2022-01-04 09:00 Japan time) */
  start?: string;
  spacingMinutes?: number;
  /** who uploaded them, in turn (upload id modulo their number); default: nobody (as before accounts) */
  uploaders?: { id: string; name: string }[];
}

export async function insertSyntheticUploads(db: Queryable, o: SyntheticUploads): Promise<void> {
  await db.query(
    `WITH g AS (
       SELECT i,
              ($2::timestamptz + (i - 1) * make_interval(mins => $3)) AS made,
              CASE WHEN i % 10 < 6 THEN $4 WHEN i % 10 < 9 THEN $5 ELSE $6 END AS kind,
              CASE WHEN i % 3 = 0 THEN $7 ELSE $8 END AS flavour,
              CASE WHEN i % 50 = 0 THEN $9 WHEN i % 97 = 0 THEN $10 WHEN i % 31 = 0 THEN $11 ELSE $12 END AS status
         FROM generate_series(1, $1::int) i
     ), d AS (
       SELECT g.*, (made AT TIME ZONE 'Asia/Tokyo')::date AS day FROM g
     )
     INSERT INTO log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, row_count,
                                  date_from, date_to, created_at, started_at, finished_at, error_message)
     SELECT kind, flavour,
            CASE kind WHEN $4 THEN '受入一覧' WHEN $5 THEN '出荷一覧' ELSE 'ヤード一覧' END
              || CASE flavour WHEN $7 THEN '_確定_' ELSE '_速報_' END || to_char(day, 'YYYYMMDD') || '_' || i || '.csv',
            md5(i::text) || md5((i * 7)::text), 1000 + i % 5000, status,
            CASE WHEN status = $9 AND i % 100 = 0 THEN NULL ELSE 50 + i % 400 END,
            CASE WHEN status = $9 AND i % 100 = 0 THEN NULL
                 WHEN flavour = $7 THEN date_trunc('month', day - 28)::date ELSE day - 1 END,
            CASE WHEN status = $9 AND i % 100 = 0 THEN NULL
                 WHEN flavour = $7 THEN (date_trunc('month', day - 28) + interval '1 month - 1 day')::date ELSE day - 1 END,
            made, made + interval '1 second', made + interval '3 seconds',
            CASE WHEN status = $9 THEN 'synthetic failure' END
       FROM d ORDER BY i`,
    [
      o.count,
      o.start ?? '2022-01-04T09:00:00+09:00',
      o.spacingMinutes ?? 15,
      ...[CSV_TYPE.receive, CSV_TYPE.shipment, CSV_TYPE.yard],
      FLAVOUR.final,
      FLAVOUR.flash,
      ...[UPLOAD_STATUS.failed, UPLOAD_STATUS.held, UPLOAD_STATUS.reverted, UPLOAD_STATUS.success],
    ],
  );
  if (o.uploaders?.length)
    await db.query(
      `UPDATE log.upload_file SET uploaded_by = ($1::text[])[1 + id % $3], uploaded_by_name = ($2::text[])[1 + id % $3]
        WHERE uploaded_by IS NULL`,
      [o.uploaders.map((u) => u.id), o.uploaders.map((u) => u.name), o.uploaders.length],
    );
}
