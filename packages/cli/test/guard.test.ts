import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig, EnvironmentRegistry } from '@warehouse/env';
import { GuardRefusal } from '@warehouse/command';
import { checkTarget, countdown, guardDestructive, sameTarget, type GuardIo, type GuardOptions } from '../src/guard.ts';

const envs: EnvironmentConfig[] = [
  { name: 'local_dev', protected: false, remote: false, embedded: { port: 1 } },
  { name: 'vm_stg', protected: false, remote: true, urlEnv: 'STG_URL' },
  { name: 'vm_prod', protected: true, remote: true, urlEnv: 'PROD_URL' },
];
const registry: EnvironmentRegistry = {
  file: '/x/environments.json',
  environments: new Map(envs.map((e) => [e.name, e])),
};
const env = (name: string) => registry.environments.get(name)!;
const PROD = 'postgres://app:secret@db.example.com:5432/warehouse';

/** A fake clock: sleeps advance `now` instantly; the transcript records what the operator saw. */
function fakeIo(options: { typed?: string; abortAfterTicks?: number; tty?: boolean } = {}) {
  const ac = new AbortController();
  const out: string[] = [];
  const sleeps: number[] = [];
  let now = 0;
  const prompts: string[] = [];
  const io: GuardIo = {
    write: (t) => void out.push(t),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      if (options.abortAfterTicks !== undefined && sleeps.length >= options.abortAfterTicks) ac.abort();
    },
    signal: ac.signal,
    readLine:
      options.tty === false
        ? undefined
        : async (prompt) => {
            prompts.push(prompt);
            return options.typed ?? '';
          },
  };
  return { io, out: () => out.join(''), sleeps, prompts, now: () => now };
}

/**
 * These tests drive the guard's flow (countdown, confirmation, backup) with unreachable example
 * URLs; who a URL reaches is read from real servers in guard-identity.test.ts. Here each distinct
 * URL is its own unmarked database.
 */
const known = new Map<string, number>();
const identify: GuardOptions['identify'] = async (url) => {
  if (!known.has(url)) known.set(url, 16384 + known.size);
  return {
    systemIdentifier: '7000000000000000001',
    database: new URL(url).pathname.slice(1),
    databaseOid: known.get(url)!,
    server: 'example',
    marker: null,
    markerState: 'none',
  };
};

function opts(
  name: string,
  flags: GuardOptions['flags'],
  io: GuardIo,
  extra: Partial<GuardOptions> = {},
): GuardOptions {
  return {
    identify,
    action: 'reset (method db)',
    env: env(name),
    url: name === 'vm_prod' ? PROD : `postgres://u:p@localhost:5432/${name}`,
    registry,
    flags,
    vars: { PROD_URL: PROD },
    countdownSeconds: 5,
    io,
    ...extra,
  };
}

describe('countdown', () => {
  it('ticks once per second for 5 seconds, then lets the command go', async () => {
    const f = fakeIo();
    await countdown(5, 'reset on vm_stg', f.io);
    expect(f.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(f.now()).toBe(5000);
    expect(f.out()).toContain('press Ctrl+C to cancel');
    expect(f.out()).toMatch(/5….*4….*3….*2….*1…/s);
  });

  it('Ctrl+C during the countdown cancels with exit 2', async () => {
    const f = fakeIo({ abortAfterTicks: 2 });
    const err = await countdown(5, 'reset on vm_stg', f.io).catch((e) => e);
    expect(err).toBeInstanceOf(GuardRefusal);
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe('E_CANCELLED');
    expect(f.sleeps.length).toBe(2);
  });
});

describe('guardDestructive', () => {
  it('local envs go ahead without waiting', async () => {
    const f = fakeIo();
    const r = await guardDestructive(opts('local_dev', {}, f.io));
    expect(r).toMatchObject({ kind: 'local', countedDown: false });
    expect(f.sleeps).toEqual([]);
  });

  it('remote envs count down; --yes skips it', async () => {
    const f = fakeIo();
    expect((await guardDestructive(opts('vm_stg', {}, f.io))).countedDown).toBe(true);
    expect(f.sleeps.length).toBe(5);
    const g = fakeIo();
    expect((await guardDestructive(opts('vm_stg', { yes: true }, g.io))).countedDown).toBe(false);
    expect(g.sleeps).toEqual([]);
  });

  it('protected envs are refused with a banner without --force, even with --yes and --confirm', async () => {
    for (const flags of [{}, { yes: true }, { confirm: 'vm_prod' }]) {
      const f = fakeIo({ typed: 'vm_prod' });
      let backups = 0;
      const err = await guardDestructive(opts('vm_prod', flags, f.io, { backup: async () => `b${++backups}` })).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(GuardRefusal);
      expect(err.exitCode).toBe(2);
      expect(err.code).toBe('E_ENV_PROTECTED');
      expect(f.out()).toContain('REFUSED: reset (method db) on vm_prod is BLOCKED');
      expect(f.out()).not.toContain('secret');
      expect(f.sleeps).toEqual([]);
      expect(f.prompts).toEqual([]);
      expect(backups).toBe(0);
    }
  });

  it('forced: counts down, asks for the typed name on a TTY, then takes the backup', async () => {
    const f = fakeIo({ typed: 'vm_prod\n' });
    const order: string[] = [];
    const io = {
      ...f.io,
      readLine: async (p: string) => (order.push(`prompt after ${f.sleeps.length} ticks`), f.io.readLine!(p)),
    };
    const r = await guardDestructive(
      opts('vm_prod', { force: true }, io, { backup: async () => (order.push('backup'), '/b/prod.dump') }),
    );
    expect(order).toEqual(['prompt after 5 ticks', 'backup']);
    expect(r).toMatchObject({ kind: 'protected', forced: true, backupFile: '/b/prod.dump' });
    expect(f.prompts[0]).toContain('Type the environment name (vm_prod)');
  });

  it('FORCE=1 works like --force', async () => {
    const f = fakeIo({ typed: 'vm_prod' });
    const r = await guardDestructive(opts('vm_prod', {}, f.io, { vars: { PROD_URL: PROD, FORCE: '1' } }));
    expect(r.forced).toBe(true);
  });

  it('forced but typed the wrong name (case, spaces) is refused before the backup', async () => {
    for (const typed of ['VM_PROD', 'vm_prod ', 'vm_stg', '']) {
      const f = fakeIo({ typed });
      let backedUp = false;
      const err = await guardDestructive(
        opts('vm_prod', { force: true }, f.io, { backup: async () => ((backedUp = true), 'x') }),
      ).catch((e) => e);
      expect(err.code).toBe('E_GUARD_REFUSED');
      expect(err.exitCode).toBe(2);
      expect(backedUp).toBe(false);
    }
  });

  it('forced with no TTY needs --confirm NAME; a wrong --confirm fails before the countdown', async () => {
    const noTty = fakeIo({ tty: false });
    const err = await guardDestructive(opts('vm_prod', { force: true }, noTty.io)).catch((e) => e);
    expect(err.code).toBe('E_GUARD_REFUSED');
    expect(err.message).toContain('pass --confirm vm_prod');
    const wrong = fakeIo({ tty: false });
    const err2 = await guardDestructive(opts('vm_prod', { force: true, confirm: 'VM_PROD' }, wrong.io)).catch((e) => e);
    expect(err2.code).toBe('E_GUARD_REFUSED');
    expect(wrong.sleeps).toEqual([]);
    const ok = fakeIo({ tty: false });
    const r = await guardDestructive(
      opts('vm_prod', { force: true, confirm: 'vm_prod' }, ok.io, { backup: async () => 'b' }),
    );
    expect(r).toMatchObject({ forced: true, backupFile: 'b' });
    expect(ok.sleeps.length).toBe(5);
  });

  it('Ctrl+C during a forced countdown cancels before the prompt and the backup', async () => {
    const f = fakeIo({ typed: 'vm_prod', abortAfterTicks: 3 });
    let backedUp = false;
    const err = await guardDestructive(
      opts('vm_prod', { force: true }, f.io, { backup: async () => ((backedUp = true), 'x') }),
    ).catch((e) => e);
    expect(err.code).toBe('E_CANCELLED');
    expect(f.prompts).toEqual([]);
    expect(backedUp).toBe(false);
  });
});

describe('target check', () => {
  it('treats localhost, 127.0.0.1 and ::1 as one host and 5432 as the default port', () => {
    expect(sameTarget('postgres://a@localhost/db', 'postgres://b:x@127.0.0.1:5432/db')).toBe(true);
    expect(sameTarget('postgres://a@[::1]:5432/db', 'postgres://b@localhost/db')).toBe(true);
    expect(sameTarget('postgres://a@DB.example.com/warehouse', 'postgres://b@db.example.com:5432/warehouse')).toBe(
      true,
    );
    expect(sameTarget('postgres://a@localhost:5433/db', 'postgres://a@localhost/db')).toBe(false);
    expect(sameTarget('postgres://a@localhost/db2', 'postgres://a@localhost/db')).toBe(false);
  });

  it('refuses an unprotected env whose URL is the protected database (exit 2), naming both envs without the password', () => {
    const copied = 'postgres://other:pw@DB.EXAMPLE.COM/warehouse';
    const err = (() => {
      try {
        checkTarget(env('vm_stg'), copied, registry, { PROD_URL: PROD });
      } catch (e) {
        return e as GuardRefusal;
      }
    })();
    expect(err).toBeInstanceOf(GuardRefusal);
    expect(err!.exitCode).toBe(2);
    expect(err!.code).toBe('E_TARGET_PROTECTED');
    expect(err!.message).toContain('vm_stg');
    expect(err!.message).toContain('vm_prod');
    expect(err!.message).not.toMatch(/secret|:pw@/);
    // Also through guardDestructive with --yes, and for a local env.
    return Promise.all([
      expect(guardDestructive(opts('vm_stg', { yes: true }, fakeIo().io, { url: copied }))).rejects.toMatchObject({
        code: 'E_TARGET_PROTECTED',
      }),
      expect(guardDestructive(opts('local_dev', {}, fakeIo().io, { url: copied }))).rejects.toMatchObject({
        code: 'E_TARGET_PROTECTED',
      }),
    ]);
  });

  it('lets an unprotected env on another database of the same server through', () => {
    expect(() =>
      checkTarget(env('vm_stg'), 'postgres://u@db.example.com/warehouse_stg', registry, { PROD_URL: PROD }),
    ).not.toThrow();
  });
});
