import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import readline from 'node:readline';

/** `--version` output of our WASM stand-in (bin/schema-engine), so it is never taken for the native binary. */
export const STANDIN_VERSION_MARK = '(wasm stand-in)';

/**
 * True when `binary` is Prisma's native schema engine: it runs and answers `--version` with
 * `schema-engine-cli <hash>`. `prisma generate` only needs *some* executable, so
 * PRISMA_SCHEMA_ENGINE_BINARY may point at /bin/true or at our stand-in; neither counts.
 */
export function isNativeEngine(binary: string): boolean {
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    return false;
  }
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && /^schema-engine-cli \S+/.test(r.stdout) && !r.stdout.includes(STANDIN_VERSION_MARK);
}

export class EngineRpcError extends Error {
  readonly errorCode?: string;
  constructor(message: string, errorCode?: string) {
    super(message);
    this.name = 'EngineRpcError';
    this.errorCode = errorCode;
  }
}

export interface NativeEngineOptions {
  binary: string;
  /** `--datasource` JSON: `{ url, shadowDatabaseUrl? }`. */
  datasource: { url: string; shadowDatabaseUrl?: string };
  /** Prisma schema file paths (`--datamodels`). */
  datamodels?: string[];
  cwd?: string;
}

/**
 * A client for the native engine's line-delimited JSON-RPC 2.0 over stdin/stdout, as the Prisma
 * CLI speaks it. The engine sends `print` requests (the script of `diff`); their content is
 * collected and returned as `stdout` of that call.
 */
export class NativeEngineClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private printed: string[] = [];
  private readonly stderr: string[] = [];
  private exited = false;

  constructor(options: NativeEngineOptions) {
    const args = ['--datasource', JSON.stringify(options.datasource)];
    for (const file of options.datamodels ?? []) args.push('--datamodels', file);
    this.child = spawn(options.binary, args, {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' },
    });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    readline.createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 50) this.stderr.shift();
    });
    this.child.on('exit', (code) => {
      this.exited = true;
      const tail = this.stderr.slice(-5).join('\n');
      for (const p of this.pending.values())
        p.reject(new EngineRpcError(`schema engine exited with code ${code}${tail ? `:\n${tail}` : ''}`));
      this.pending.clear();
    });
    this.child.on('error', (error) => {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  call(method: string, params: unknown): Promise<unknown> {
    if (this.exited) return Promise.reject(new EngineRpcError(`schema engine has exited; cannot call ${method}`));
    const id = this.nextId++;
    this.printed = [];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  /** Printed output (`print` requests) received since the last call. */
  takePrinted(): string {
    const out = this.printed.join('\n');
    this.printed = [];
    return out;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await done;
  }

  private onLine(line: string): void {
    let msg: {
      id?: number;
      method?: string;
      params?: { content?: string };
      result?: unknown;
      error?: { message?: string; data?: { message?: string; error_code?: string } };
    };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.method === 'print' && msg.id !== undefined) {
      this.printed.push(msg.params?.content ?? '');
      this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: {} }) + '\n');
      return;
    }
    const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id!);
    if (msg.error)
      p.reject(
        new EngineRpcError(
          msg.error.data?.message ?? msg.error.message ?? JSON.stringify(msg.error),
          msg.error.data?.error_code,
        ),
      );
    else p.resolve(msg.result);
  }
}
