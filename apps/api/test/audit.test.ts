// One audit row per action with the right actor, written with the action (none for a refused one);
// staff undo or confirm only their own uploads; kpi.target_edit records the signed-in user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '@warehouse/db/accounts';
import { withPoolClient, withTransaction } from '@warehouse/db';
import { getUpload } from '@warehouse/db/uploads';
import { multipart, testApp, waitForUpload, type TestApp } from './helper.ts';
import { csvText, encode, row } from './csv.ts';
import { makeUser, ORIGIN, signIn, type TestUser } from './auth-helper.ts';

let t: TestApp;
let viewer: TestUser;
let staff: TestUser;
let otherStaff: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await testApp({ auth: true, signInPerMinute: 1000 });
  await t.startWorker();
  viewer = await makeUser(t.pool, 'viewer');
  staff = await makeUser(t.pool, 'staff');
  otherStaff = await makeUser(t.pool, 'staff', 'other-staff');
  admin = await makeUser(t.pool, 'admin');
});
afterAll(async () => t?.close());

const bearer = (u: TestUser) => ({ authorization: `Bearer ${u.key}` });
const upload = (headers: Record<string, string>, slip: string) => {
  const body = multipart([
    { name: 'flavour', value: 'final' },
    {
      name: 'receive',
      filename: `r-${slip}.csv`,
      content: encode(csvText('receive', [row('receive', { date: '2025/01/05', slip, line: 1, kg: '100' })])),
    },
  ]);
  return t.app.inject({
    method: 'POST',
    url: '/upload/csv',
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  });
};
const eventsOf = async (action: string, objectId?: string) => listAudit(t.pool, { action, objectId });

describe('uploads', () => {
  let id: number;
  it('an upload with an API key: upload.accepted names the key and its owner, with the file', async () => {
    const res = await upload(bearer(staff), 'S1');
    expect(res.statusCode, res.body).toBe(202);
    id = res.json<{ uploads: { id: number }[] }>().uploads[0]!.id;
    const ev = await eventsOf('upload.accepted', String(id));
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({
      actorType: 'key',
      actorId: staff.id,
      actorName: `${staff.name}-key (${staff.name})`,
      objectType: 'upload',
      after: { csvType: 'receive', flavour: 'final', fileName: 'r-S1.csv' },
    });
    expect(ev[0]!.requestId).toMatch(/^req-/);
    expect((await waitForUpload(t.pool, id)).status).toBe('success');
  });

  it('a viewer’s upload is refused (403) and leaves no audit row and no upload', async () => {
    const before = (await eventsOf('upload.accepted')).length;
    const res = await upload(bearer(viewer), 'V1');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'E_ROLE_REQUIRED', requiredRole: 'staff' });
    expect((await eventsOf('upload.accepted')).length).toBe(before);
  });

  it('another staff member cannot undo it (403 naming the uploader, nothing changed, no event); its uploader can', async () => {
    const refused = await t.app.inject({ method: 'POST', url: `/uploads/${id}/revert`, headers: bearer(otherStaff) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('E_NOT_YOUR_UPLOAD');
    expect(refused.json().error).toContain(`uploaded by ${staff.name}-key (${staff.name})`);
    expect((await t.pool.query(`SELECT status FROM log.upload_file WHERE id = $1`, [id])).rows[0].status).toBe(
      'success',
    );
    expect(await eventsOf('upload.reverted', String(id))).toHaveLength(0);
    const { cookie } = await signIn(t.app, staff);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/uploads/${id}/revert`,
      headers: { cookie, origin: ORIGIN },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const ev = await eventsOf('upload.reverted', String(id));
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({
      actorType: 'user',
      actorId: staff.id,
      actorName: staff.name,
      after: { status: 'reverted' },
    });
  });

  it('an admin may undo anyone’s upload; a refused undo (not successful) writes no event', async () => {
    const res = await upload(bearer(otherStaff), 'O1');
    const other = res.json<{ uploads: { id: number }[] }>().uploads[0]!.id;
    await waitForUpload(t.pool, other);
    const ok = await t.app.inject({ method: 'POST', url: `/uploads/${other}/revert`, headers: bearer(admin) });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await t.app.inject({ method: 'POST', url: `/uploads/${other}/revert`, headers: bearer(admin) });
    expect(again.statusCode).toBe(409);
    const ev = await eventsOf('upload.reverted', String(other));
    expect(ev).toHaveLength(1);
    // Who undid it, on the upload's page and in the history, named as the audit log names them.
    const detail = await t.app.inject({ method: 'GET', url: `/uploads/${other}`, headers: bearer(admin) });
    expect(detail.json()).toMatchObject({ revertedBy: ev[0]!.actorName, confirmedBy: null });
    const list = await t.app.inject({ method: 'GET', url: '/uploads?limit=50', headers: bearer(admin) });
    const rows = list.json<{ uploads: { id: number; revertedBy: string | null }[] }>().uploads;
    expect(rows.find((u) => u.id === other)?.revertedBy).toBe(ev[0]!.actorName);
    expect(rows.filter((u) => u.revertedBy !== null).length).toBe(
      (await t.pool.query(`SELECT count(*)::int AS n FROM log.upload_file WHERE status = 'reverted'`)).rows[0].n,
    );
  });

  it('only the reads that show an upload name who undid it: the worker’s and revert’s locked read (getUpload … forUpdate) leaves the audit log out', async () => {
    const ev = (await eventsOf('upload.reverted'))[0]!;
    const id = Number(ev.objectId);
    expect(await getUpload(t.pool, id, { withActors: true })).toMatchObject({
      id,
      status: 'reverted',
      revertedByName: ev.actorName,
      confirmedByName: null,
    });
    const locked = await withPoolClient(t.pool, (c) => withTransaction(c, () => getUpload(c, id, { forUpdate: true })));
    expect(locked).toMatchObject({ id, status: 'reverted' });
    expect(locked).not.toHaveProperty('revertedByName');
    expect(locked).not.toHaveProperty('confirmedByName');
  });

  it('GET /uploads names each upload’s uploader (as the audit log does) and filters by them (by=, with the other filters and pages); GET /uploaders lists who', async () => {
    const { cookie } = await signIn(t.app, staff);
    const bySession = await t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      ...(() => {
        const body = multipart([
          { name: 'flavour', value: 'flash' },
          {
            name: 'receive',
            filename: 'r-S2.csv',
            content: encode(csvText('receive', [row('receive', { date: '2025/01/06', slip: 'S2', line: 1, kg: '5' })])),
          },
        ]);
        return { payload: body.payload, headers: { ...body.headers, cookie, origin: ORIGIN } };
      })(),
    });
    expect(bySession.statusCode, bySession.body).toBe(202);
    const sessionId = bySession.json<{ uploads: { id: number }[] }>().uploads[0]!.id;
    const list = (await t.app.inject({ method: 'GET', url: '/uploads?limit=1000', headers: bearer(viewer) })).json<{
      uploads: { id: number; uploader: { id: string | null; name: string } | null }[];
      total: number;
    }>();
    // each row's uploader is the actor of its upload.accepted event
    for (const u of list.uploads) {
      const ev = (await eventsOf('upload.accepted', String(u.id)))[0];
      expect(u.uploader, `upload ${u.id}`).toEqual(ev ? { id: ev.actorId, name: ev.actorName } : null);
    }
    expect(list.uploads.find((u) => u.id === sessionId)?.uploader).toEqual({ id: staff.id, name: staff.name });
    const mine = await t.app.inject({ method: 'GET', url: `/uploads?by=${staff.id}&limit=1`, headers: bearer(viewer) });
    const expected = list.uploads.filter((u) => u.uploader?.id === staff.id).map((u) => u.id);
    expect(expected.length).toBe(2); // by key and by session: the same person
    expect(mine.json()).toMatchObject({ total: 2, uploads: [{ id: expected[0] }] });
    const page2 = await t.app.inject({
      method: 'GET',
      url: `/uploads?by=${staff.id}&limit=1&offset=1`,
      headers: bearer(viewer),
    });
    expect(page2.json().uploads.map((u: { id: number }) => u.id)).toEqual([expected[1]]);
    const flash = await t.app.inject({
      method: 'GET',
      url: `/uploads?by=${staff.id}&flavour=flash`,
      headers: bearer(viewer),
    });
    expect(flash.json().uploads.map((u: { id: number }) => u.id)).toEqual([sessionId]);
    const nobody = await t.app.inject({ method: 'GET', url: `/uploads?by=${viewer.id}`, headers: bearer(viewer) });
    expect(nobody.json().total).toBe(0);
    const who = await t.app.inject({ method: 'GET', url: '/uploaders', headers: bearer(viewer) });
    expect(
      who
        .json<{ uploaders: { id: string }[] }>()
        .uploaders.map((u) => u.id)
        .sort(),
    ).toEqual([staff.id, otherStaff.id].sort());
  });
});

describe('held uploads', () => {
  const send = (slips: string[], name: string) => {
    const body = multipart([
      { name: 'flavour', value: 'final' },
      {
        name: 'receive',
        filename: name,
        content: encode(
          csvText(
            'receive',
            slips.map((slip) => row('receive', { date: '2025/02/10', slip, line: 1, kg: '100' })),
          ),
        ),
      },
    ]);
    return t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      payload: body.payload,
      headers: { ...body.headers, ...bearer(staff) },
    });
  };

  it('the worker writes upload.held with the hold (its own actor, the reason); confirming it is audited too', async () => {
    const first = await send(['H1', 'H2', 'H3', 'H4', 'H5', 'H6'], 'six.csv');
    const firstId = first.json<{ uploads: { id: number }[] }>().uploads[0]!.id;
    expect((await waitForUpload(t.pool, firstId)).status).toBe('success');
    expect(await eventsOf('upload.held', String(firstId))).toHaveLength(0);
    const smaller = await send(['H1'], 'one.csv');
    const id = smaller.json<{ uploads: { id: number }[] }>().uploads[0]!.id;
    expect((await waitForUpload(t.pool, id)).status).toBe('held');
    const ev = await eventsOf('upload.held', String(id));
    expect(ev).toHaveLength(1);
    const { rows } = await t.pool.query<{ held_reason: string }>(
      'SELECT held_reason FROM log.upload_file WHERE id = $1',
      [id],
    );
    expect(ev[0]).toMatchObject({
      actorType: 'system',
      actorId: null,
      actorName: 'ingest worker (shrink guard)',
      objectType: 'upload',
      after: { reason: rows[0]!.held_reason, rowsAdded: 1, rowsSuperseded: 6 },
    });
    const ok = await t.app.inject({ method: 'POST', url: `/uploads/${id}/confirm`, headers: bearer(staff) });
    expect(ok.statusCode, ok.body).toBe(202);
    expect((await waitForUpload(t.pool, id)).status).toBe('success');
    const confirmed = await eventsOf('upload.confirmed', String(id));
    expect(confirmed).toHaveLength(1);
    const detail = await t.app.inject({ method: 'GET', url: `/uploads/${id}`, headers: bearer(staff) });
    expect(detail.json()).toMatchObject({ confirmedBy: confirmed[0]!.actorName, revertedBy: null });
    // Landing after the confirmation holds nothing again: still one upload.held row.
    expect(await eventsOf('upload.held', String(id))).toHaveLength(1);
  });
});

describe('targets and refresh', () => {
  it('a target edit records the signed-in user, not the typed name, in kpi.target_edit and the audit log', async () => {
    const { cookie } = await signIn(t.app, staff);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/targets/month/2025-04',
      payload: { targetTon: 123.5, editor: 'someone typed this' },
      headers: { cookie, origin: ORIGIN },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { rows } = await t.pool.query(`SELECT editor FROM kpi.target_edit ORDER BY id DESC LIMIT 1`);
    expect(rows[0].editor).toBe(staff.name);
    const ev = await eventsOf('target.edit', '2025-04-01');
    expect(ev[0]).toMatchObject({ actorName: staff.name, objectType: 'monthly_target', after: { ton: 123.5 } });
    // no editor at all is fine when signed in; a key must still say who (a script may run for several people)
    const bare = await t.app.inject({
      method: 'PUT',
      url: '/targets/day/2025-04-02',
      payload: { targetTon: 4 },
      headers: { cookie, origin: ORIGIN },
    });
    expect(bare.statusCode, bare.body).toBe(200);
    const byKey = await t.app.inject({
      method: 'PUT',
      url: '/targets/day/2025-04-02',
      payload: { targetTon: 5 },
      headers: bearer(staff),
    });
    expect(byKey.json().code).toBe('E_EDITOR');
  });

  it('a targets CSV: one target.csv event; a manual refresh (admin): mv.refresh; refused for staff with no event', async () => {
    const body = multipart([
      { name: 'editor', value: 'nightly script' },
      { name: 'file', filename: 'targets.csv', content: 'month,target_ton\r\n2025-05,10\r\n2025-06,11\r\n' },
    ]);
    const csv = await t.app.inject({
      method: 'POST',
      url: '/targets/csv',
      payload: body.payload,
      headers: { ...body.headers, ...bearer(staff) },
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect((await eventsOf('target.csv'))[0]).toMatchObject({ objectId: 'targets.csv', after: { rows: 2 } });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/mv/refresh',
      payload: { all: true },
      headers: bearer(staff),
    });
    expect(refused.statusCode).toBe(403);
    expect(await eventsOf('mv.refresh')).toHaveLength(0);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/mv/refresh',
      payload: { all: true },
      headers: bearer(admin),
    });
    expect(ok.statusCode, ok.body).toBe(202);
    const ev = await eventsOf('mv.refresh');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actorName: `${admin.name}-key (${admin.name})`, objectId: 'all' });
  });
});
