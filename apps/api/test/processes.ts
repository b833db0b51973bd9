import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Run `src/<script>` under tsx as a child process with `env` added. WEB_DIST=off unless `env` says
 * otherwise: `main.ts` would otherwise build the console (a Vite build, tens of seconds) whenever
 * apps/web/dist is missing or older than its sources — on every fresh clone.
 */
export function spawnScript(script: string, env: Record<string, string>, args: string[] = []): Child {
  const file = fileURLToPath(new URL(`../src/${script}`, import.meta.url));
  // node --import tsx (not the tsx CLI, which is a parent process): a signal reaches the script itself.
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    // AUTH=off: these tests are about processes, not sign-in (auth.test.ts and role-matrix.test.ts are).
    env: { ...process.env, LOG_LEVEL: 'warn', NO_COLOR: '1', WEB_DIST: 'off', AUTH: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${script} did not print ${re} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() =>
          setTimeout(() => {
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`${script} exited before printing ${re}; output:\n${out}`));
            }
          }, 50),
        );
        check();
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}
