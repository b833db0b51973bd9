/**
 * A stand-in for Prisma's native schema engine binary, for machines that cannot download it.
 * Run through bin/schema-engine; point PRISMA_SCHEMA_ENGINE_BINARY at that file and the real
 * `prisma migrate status|diff|resolve|deploy|dev --create-only` work offline.
 *
 * It speaks what the Prisma CLI expects from the binary:
 * - `--version` → `schema-engine-cli <version> (wasm stand-in)`;
 * - `--datasource '{"url":…}' cli can-connect-to-database | create-database` one-shot commands,
 *   reporting errors as JSON log lines on stderr (`schema_engine::logger`, `fields.error_code`);
 * - otherwise line-delimited JSON-RPC 2.0 on stdin/stdout, every request forwarded to the WASM
 *   engine (openSchemaEngine with engine: 'wasm'); the script of `diff` goes back as a `print`
 *   request, as the native engine does.
 */
import { readFile } from 'node:fs/promises';
import readline from 'node:readline';
import pg from 'pg';
import { databaseOf } from '@warehouse/db/pg';
import { createDatabase, openSchemaEngine, type SchemaEngine } from './engine.ts';
import { STANDIN_VERSION_MARK } from './native.ts';
import { loadWasmEngine } from './wasm.ts';
import { refuseOnProtected } from './protected-guard.ts';

interface Args {
  datasource?: { url?: string; shadowDatabaseUrl?: string };
  datamodels: string[];
  version: boolean;
  cli?: string;
}

function parseArgv(argv: string[]): Args {
  const args: Args = { datamodels: [], version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--version' || a === '-V') args.version = true;
    else if (a === '--datasource') args.datasource = JSON.parse(argv[++i] ?? '{}');
    else if (a === '--datamodels' || a === '-d') args.datamodels.push(argv[++i]!);
    else if (a === '--enabled-preview-features' || a === '--extension-types')
      i++; // the WASM engine reads features from the schema
    else if (a === 'cli') args.cli = argv[++i];
  }
  return args;
}

/** A log line as the native engine writes it on stderr (the CLI parses these). */
function logLine(level: 'INFO' | 'ERROR', message: string, errorCode?: string): string {
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...(errorCode ? { error_code: errorCode } : {}) },
    target: 'schema_engine::logger',
  });
}

/** Prisma's user-facing codes for connection failures, so the CLI shows its usual messages. */
function connectionErrorCode(error: { code?: string }): string {
  switch (error.code) {
    case '3D000':
      return 'P1003';
    case '28P01':
    case '28000':
      return 'P1000';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
      return 'P1001';
    default:
      return 'P1000';
  }
}

async function oneShot(command: string, url: string | undefined): Promise<number> {
  if (!url) {
    process.stderr.write(
      `starting\n${logLine('ERROR', 'no datasource url given (--datasource {"url": …})', 'P1012')}\n`,
    );
    return 1;
  }
  try {
    if (command === 'can-connect-to-database') {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      await client.end();
    } else if (command === 'create-database') {
      const name = await createDatabase(url);
      process.stdout.write(`Database '${name}' was successfully created.\n`);
    } else if (command === 'drop-database') {
      process.stderr.write(
        `starting\n${logLine('ERROR', 'drop-database is not supported by the WASM stand-in; drop it with psql', 'P1000')}\n`,
      );
      return 1;
    } else {
      process.stderr.write(`starting\n${logLine('ERROR', `unknown cli command ${command}`)}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    const e = error as Error & { code?: string };
    const message =
      e.code === '3D000' ? `Database \`${databaseOf(url)}\` does not exist on the database server` : e.message;
    // The CLI drops the first stderr line before parsing the rest as JSON.
    process.stderr.write(`starting\n${logLine('ERROR', message, connectionErrorCode(e))}\n`);
    return 1;
  }
}

interface RpcRequest {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
}

async function serve(args: Args): Promise<void> {
  let engine: SchemaEngine | undefined;
  const getEngine = async () =>
    (engine ??= await openSchemaEngine({
      engine: 'wasm',
      url: args.datasource?.url ?? '',
      shadowDatabaseUrl: args.datasource?.shadowDatabaseUrl,
      schemaFiles: args.datamodels,
      log: (line) => process.stderr.write(`${line}\n`),
    }));
  let printId = 1_000_000;
  const send = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);

  const handle = async (req: RpcRequest) => {
    if (req.method === undefined || req.id === undefined) return; // e.g. the CLI's reply to our `print`
    try {
      await refuseOnProtected(req.method, args.datasource?.url ?? '');
      const e = await getEngine();
      let result = await e.call(req.method, req.params ?? {});
      if (req.method === 'diff') {
        const diff = result as { exitCode: number; stdout: string | null };
        if (diff.stdout !== null) {
          send({ jsonrpc: '2.0', id: printId++, method: 'print', params: { content: diff.stdout.replace(/\n$/, '') } });
        }
        result = { ...diff, stdout: null };
      }
      send({ jsonrpc: '2.0', id: req.id, result: result ?? {} });
    } catch (error) {
      const e = error as Error & { errorCode?: string; meta?: unknown };
      send({
        jsonrpc: '2.0',
        id: req.id,
        error: {
          code: 4466,
          message: 'An error happened. Check the data field for details.',
          data: {
            is_panic: false,
            message: e.message ?? String(error),
            ...(e.errorCode ? { error_code: e.errorCode, meta: e.meta ?? {} } : {}),
          },
        },
      });
    }
  };

  // One request at a time, in order, as the native engine does.
  let queue = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    let req: RpcRequest;
    try {
      req = JSON.parse(line);
    } catch {
      return;
    }
    queue = queue.then(() => handle(req));
  });
  await new Promise<void>((resolve) => rl.once('close', resolve));
  await queue;
  await engine?.close();
}

async function main(): Promise<number> {
  const args = parseArgv(process.argv.slice(2));
  if (args.version) {
    const wasm = await loadWasmEngine();
    process.stdout.write(`schema-engine-cli ${wasm.version()} ${STANDIN_VERSION_MARK}\n`);
    return 0;
  }
  if (args.cli) return oneShot(args.cli, args.datasource?.url);
  // The datamodels must be readable; fail early like the native engine would.
  for (const f of args.datamodels) await readFile(f);
  await serve(args);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${logLine('ERROR', (error as Error).stack ?? String(error))}\n`);
    process.exit(1);
  },
);
