import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import {
  configFromEnv,
  enqueueRefresh,
  isCsvType,
  loadGraph,
  MV_MAPPING,
  mvHistory,
  mvStatus,
  normalizeName,
  stalenessMetrics,
  withDownstream,
} from '@warehouse/refresher';
import { readCatalog } from '@warehouse/db/views';
import { HttpError } from '../http-error.ts';
import { auditRequest } from '../auth/audit-hooks.ts';
import { withTransaction } from '@warehouse/db';
import type { AppContext } from '../context.ts';
import { Count, errorResponses } from '../schemas.ts';

const DateOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const MvRow = Type.Object({
  mv: Type.String(),
  label: Type.Union([Type.String(), Type.Null()], {
    description: "the name staff see (Japanese), from the catalog file's `-- label:` line; null outside the catalog",
  }),
  populated: Type.Boolean(),
  uniqueIndex: Type.Union([Type.String(), Type.Null()]),
  upstream: Type.Array(Type.String()),
  lastRefreshAt: DateOrNull,
  lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
  lastMode: Type.Union([Type.String(), Type.Null()]),
  lastRowCount: Type.Union([Type.Integer(), Type.Null()]),
  lastTrigger: Type.Union([Type.String(), Type.Null()], {
    description: 'what asked for the last successful refresh, e.g. upload:42, api',
  }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastErrorAt: DateOrNull,
  stalenessSeconds: Type.Number({ description: '0 when refreshed since its inputs last changed' }),
  behind: Type.Union([Type.String(), Type.Null()], {
    description: 'the change it has not caught up with, e.g. upload:42',
  }),
  staleSince: DateOrNull,
  freshnessTargetSeconds: Type.Number(),
  overTarget: Type.Boolean(),
});

const QueuedJob = Type.Object({
  jobId: Type.String(),
  runAt: Type.String({ format: 'date-time' }),
  running: Type.Boolean(),
  attempts: Type.Integer(),
  triggers: Type.Array(Type.String()),
});

const RefreshBody = Type.Object(
  {
    csvType: Type.Optional(
      Type.String({ description: `what an upload of this csv_type refreshes: ${Object.keys(MV_MAPPING).join(', ')}` }),
    ),
    mvs: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        maxItems: 100,
        description: 'MV names, e.g. mart.mv_receive_daily',
      }),
    ),
    all: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);

export const HistoryRow = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  trigger: Type.String(),
  mode: Type.String(),
  modeReason: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  attempts: Type.Integer(),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: DateOrNull,
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  rowCount: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

export type MvRow = Static<typeof MvRow>;
export type MvHistoryRow = Static<typeof HistoryRow>;

/** GET /mv, POST /mv/refresh, GET /mv/:name/history — the refresh state, on demand refreshes, history. */
export function mvRoutes(server: FastifyInstance, ctx: AppContext): void {
  // Refuse a bad MV_REFRESH_* / ALERT_* setting at start, not at the first upload that enqueues.
  configFromEnv();
  stalenessMetrics(ctx.registry, ctx.pool);
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const labels = new Map(readCatalog().map((o) => [o.name, o.label ?? null]));

  app.get(
    '/mv',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'every MV with its refresh state, staleness and the queued/running refresh jobs',
        response: { 200: Type.Object({ mvs: Type.Array(MvRow), queue: Type.Array(QueuedJob) }), ...errorResponses },
      },
    },
    async () => {
      const mvs = await mvStatus(ctx.pool);
      const { rows } = await ctx.pool.query(
        // The public jobs view of graphile-worker 0.17 leaves out the payload, which carries the triggers.
        `select j.id::text, j.run_at, j.locked_at is not null as running, j.attempts, j.payload
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
       where t.identifier = 'mv_refresh' order by j.run_at`,
      );
      const queue = rows.map((r) => ({
        jobId: r.id,
        runAt: r.run_at,
        running: r.running,
        attempts: r.attempts,
        triggers: (Array.isArray(r.payload) ? r.payload : [r.payload]).map((p: { trigger?: string }) =>
          String(p?.trigger),
        ),
      }));
      return { mvs: mvs.map((m) => ({ ...m, label: labels.get(m.mv) ?? null })) as never, queue };
    },
  );

  app.post(
    '/mv/refresh',
    {
      schema: {
        'x-role': 'admin',
        summary: 'queue a coalesced refresh: { csvType } | { mvs: [...] } | { all: true }',
        body: RefreshBody,
        response: {
          202: Type.Object({
            jobId: Type.String(),
            requested: Type.Array(Type.String(), { description: 'the MVs asked for' }),
            refreshes: Type.Array(Type.String(), { description: 'with everything downstream of them' }),
            follow: Type.String({ description: 'where to watch it' }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { csvType, mvs, all } = req.body;
      const given = [csvType !== undefined, mvs !== undefined, all === true].filter(Boolean).length;
      if (given !== 1) {
        throw new HttpError(
          400,
          'E_BAD_REFRESH_REQUEST',
          'send exactly one of { "csvType": "receive" }, { "mvs": ["mart.mv_receive_daily"] } or { "all": true }',
        );
      }
      const graph = await loadGraph(ctx.pool);
      let requested: string[];
      if (csvType !== undefined) {
        if (!isCsvType(csvType)) {
          throw new HttpError(
            400,
            'E_UNKNOWN_CSV_TYPE',
            `csvType ${JSON.stringify(csvType)} is not one of ${Object.keys(MV_MAPPING).join(', ')}`,
          );
        }
        requested = (MV_MAPPING as Record<string, readonly { mv: string }[]>)[csvType]!.map((m) => normalizeName(m.mv));
      } else if (mvs) {
        requested = [...new Set(mvs.map((m) => normalizeName(m)))];
        const unknown = requested.filter((m) => !graph.nodes.has(m));
        if (unknown.length) {
          throw new HttpError(
            400,
            'E_UNKNOWN_MV',
            `${unknown.join(', ')} ${unknown.length > 1 ? 'are not materialized views' : 'is not a materialized view'} of this database; known: ${[...graph.nodes.keys()].join(', ')}`,
          );
        }
      } else {
        requested = [...graph.nodes.keys()];
      }
      const client = await ctx.pool.connect();
      let jobId: string;
      try {
        ({ jobId } = await withTransaction(client, async () => {
          const job = await enqueueRefresh(client, { csvType, mvs: mvs ? requested : undefined, all, trigger: 'api' });
          await auditRequest(client, req, {
            action: 'mv.refresh',
            objectType: 'mv',
            objectId: all ? 'all' : requested.join(','),
            after: { jobId: job.jobId, csvType: csvType ?? null },
          });
          return job;
        }));
      } finally {
        client.release();
      }
      const refreshes = [
        ...withDownstream(
          graph,
          requested.filter((m) => graph.nodes.has(m)),
        ),
      ].sort();
      return reply.code(202).send({ jobId, requested, refreshes, follow: 'GET /mv' });
    },
  );

  app.get(
    '/mv/:name/history',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'the latest refresh attempts of one MV, newest first',
        params: Type.Object({
          name: Type.String({
            pattern: '^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+$',
            description: 'schema-qualified, e.g. mart.mv_receive_daily',
          }),
        }),
        querystring: Type.Object({ limit: Type.Optional(Count({ minimum: 1, maximum: 1000, default: 50 })) }),
        response: { 200: Type.Object({ mv: Type.String(), history: Type.Array(HistoryRow) }), ...errorResponses },
      },
    },
    async (req) => {
      const { name } = req.params;
      const history = await mvHistory(ctx.pool, name, req.query.limit ?? 50);
      if (history.length === 0) {
        const graph = await loadGraph(ctx.pool);
        if (!graph.nodes.has(name)) {
          throw new HttpError(
            404,
            'E_NOT_FOUND',
            `${name} is not a materialized view of this database and has no refresh history; known: ${[...graph.nodes.keys()].join(', ')}`,
          );
        }
      }
      return { mv: name, history: history as never };
    },
  );
}
