import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEnvironment, loadRegistry, resolveDatabase } from '../src/index.ts';
import { DbError } from '@warehouse/db';

function registryFile(content: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'envreg-'));
  const file = path.join(dir, 'environments.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('environment registry', () => {
  const file = registryFile({
    environments: {
      local_dev: { embedded: { port: 1 } },
      vm_prod: { urlEnv: 'PROD_URL', protected: true, remote: true },
    },
  });
  const registry = loadRegistry(file);

  it('matches names exactly and lists the known ones when unknown', () => {
    for (const bad of ['VM_PROD', 'vm_prod ', 'Vm_prod', '']) {
      expect(() => getEnvironment(bad, registry)).toThrow(
        /unknown environment .*known environments: local_dev, vm_prod/,
      );
    }
    expect(getEnvironment('vm_prod', registry).protected).toBe(true);
  });

  it('prefers DATABASE_URL_<NAME> over the registry variable', async () => {
    const env = { DATABASE_URL_VM_PROD: 'postgres://a:b@h1:5432/x', PROD_URL: 'postgres://a:b@h2:5432/y' };
    const db = await resolveDatabase('vm_prod', { env, registry });
    expect(db.url).toBe(env.DATABASE_URL_VM_PROD);
    expect(db.sourceDetail).toBe('DATABASE_URL_VM_PROD');
    const db2 = await resolveDatabase('vm_prod', { env: { PROD_URL: env.PROD_URL }, registry });
    expect(db2.url).toBe(env.PROD_URL);
  });

  it("takes the caller's explicit URL (the API's DATABASE_URL) first, read with libpq's rules", async () => {
    const env = {
      DATABASE_URL_VM_PROD: 'postgres://a:b@h1:5432/x',
      PROD_URL: 'postgres://a:b@h2:5432/y',
      PGPORT: '6000',
    };
    const explicit = { url: 'postgres://a:b@h3/scratch?dbname=z', variable: 'DATABASE_URL' };
    const db = await resolveDatabase('vm_prod', { env, registry, explicit });
    expect(db.url).toBe('postgres://a:b@h3:6000/z');
    expect([db.source, db.sourceDetail]).toEqual(['variable', 'DATABASE_URL']);
    // unset or empty: the env's own sources, as before
    for (const url of [undefined, '']) {
      const next = await resolveDatabase('vm_prod', { env, registry, explicit: { url, variable: 'DATABASE_URL' } });
      expect(next.sourceDetail).toBe('DATABASE_URL_VM_PROD');
    }
    // a refused spelling names the variable and the environment, not the env's own sources
    const err = await resolveDatabase('vm_prod', {
      env,
      registry,
      explicit: { url: 'postgres://a:b@h3/z?schema=public', variable: 'DATABASE_URL' },
    }).then(
      () => undefined,
      (e: DbError) => e,
    );
    expect(err?.code).toBe('E_CONN_REFUSED');
    expect(err!.message).toMatch(
      /^DATABASE_URL for environment vm_prod \(postgres:\/\/a:\*+@h3\/z\?schema=public\): .*\?schema=.*remove it/,
    );
  });

  it('names the variables to set when a remote env has no URL', async () => {
    const err = await resolveDatabase('vm_prod', { env: {}, registry }).catch((e) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err.code).toBe('E_ENV_NO_URL');
    expect(err.message).toContain('DATABASE_URL_VM_PROD or PROD_URL');
  });

  it('rejects a malformed registry with the field that is wrong', () => {
    const bad = registryFile({ environments: { local_dev: { embedded: { port: 'x' } } } });
    expect(() => loadRegistry(bad)).toThrow(/environments\.local_dev\.embedded\.port must be a number/);
  });
});

describe('the registry cannot unprotect production', () => {
  it('vm_prod stays protected and remote when a file says otherwise; its variables stay production references when a file leaves it out', async () => {
    const { productionReferences } = await import('../src/index.ts');
    const unprotected = loadRegistry(registryFile({ environments: { vm_prod: { protected: false, remote: false } } }));
    expect(getEnvironment('vm_prod', unprotected)).toMatchObject({ protected: true, remote: true });
    const dropped = loadRegistry(registryFile({ environments: { scratch: {} } }));
    const refs = productionReferences(dropped, {
      DATABASE_URL_VM_PROD: 'postgres://a@h1/x',
      PROD_DATABASE_URL: 'postgres://a@h2/y',
    });
    expect(refs.map((r) => [r.name, r.sourceDetail])).toEqual([
      ['vm_prod', 'DATABASE_URL_VM_PROD'],
      ['vm_prod', 'PROD_DATABASE_URL'],
    ]);
  });
});
