/**
 * The hourly account sweep, run through the API Worker's own `scheduled` handler: an export past its
 * 7 days goes with its ZIP while a fresh one stays, an export whose job died is failed, and an
 * erasure whose queue message was lost is started again.
 */
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/api';
import { createDb } from '../../src/db/client';
import { markAccountDeleted } from '../../src/db/queries/erasure';
import { exportKey } from '../../src/shared/account-jobs';
import { parsePublicId, toPublicId } from '../../src/shared/ids';
import { callJson } from '../helpers/api';
import { requestExport, waitUntilExported, type ExportState } from '../helpers/exports';
import { registerUser, type TestUser } from '../helpers/factories';
import { readyPost } from '../helpers/processing';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
const uuidOf = (kind: 'user' | 'export', publicId: string) => String(parsePublicId(kind, publicId));

async function runSweep() {
  await worker.scheduled(createScheduledController({ cron: '17 * * * *' }), env);
}

async function readyExport(user: TestUser): Promise<string> {
  const exportId = await requestExport(user);
  expect((await waitUntilExported(user, exportId)).status).toBe('ready');
  return exportId;
}

const exportAnswer = (user: TestUser, exportId: string) =>
  callJson<ExportState>(`/api/v1/users/profile/export/${exportId}`, { token: user.accessToken });

async function exportRowsAmong(exportIds: string[]): Promise<string[]> {
  const ids = exportIds.map((id) => `'${uuidOf('export', id)}'`).join(',');
  const result = await db.execute<{ id: string }>(`select id from exports where id in (${ids})`);
  return result.rows.map((r) => r.id);
}

describe('the hourly account sweep', () => {
  it('deletes an export older than 7 days with its ZIP in R2, and keeps a fresh one', async () => {
    const owner = await registerUser();
    const old = await readyExport(owner);
    const fresh = await readyExport(owner);
    expect(await env.IMAGES.head(exportKey(old))).not.toBeNull();
    await db.execute(
      `update exports set created_at = now() - interval '8 days', expires_at = now() - interval '1 day'
       where id = '${uuidOf('export', old)}'`,
    );

    await runSweep();

    expect(await exportRowsAmong([old, fresh])).toEqual([uuidOf('export', fresh)]);
    expect(await env.IMAGES.head(exportKey(old))).toBeNull();
    expect(await env.IMAGES.head(exportKey(fresh))).not.toBeNull();
    expect((await exportAnswer(owner, old)).status).toBe(404);
    const kept = await exportAnswer(owner, fresh);
    expect(kept.status).toBe(200);
    expect(kept.body.data.status).toBe('ready');
  });

  it('fails an export whose job died hours ago, so the owner can ask for a new one', async () => {
    const owner = await registerUser();
    // A row as a request leaves it, whose queue message never ran.
    const [row] = (
      await db.execute<{ id: string }>(
        `insert into exports (user_id, created_at, expires_at)
         values ('${uuidOf('user', owner.userId)}', now() - interval '3 hours', now() + interval '7 days') returning id`,
      )
    ).rows;
    const stuck = toPublicId('export', String(row?.id));
    expect((await exportAnswer(owner, stuck)).body.data.status).toBe('processing');

    await runSweep();

    expect((await exportAnswer(owner, stuck)).body.data.status).toBe('failed');
    const next = await readyExport(owner);
    expect(next).not.toBe(stuck);
  });

  it('starts again an erasure whose queue message was lost', async () => {
    const owner = await registerUser();
    const postId = await readyPost(owner);
    const id = uuidOf('user', owner.userId);
    // Marked as the request marks it, but with no message sent, and longer ago than a job takes.
    expect(await markAccountDeleted(db, id)).toBeDefined();
    await db.execute(`update users set deleted_at = now() - interval '20 minutes' where id = '${id}'`);

    await runSweep();

    const deadline = Date.now() + 30_000;
    const userRows = () => db.execute(`select 1 from users where id = '${id}'`);
    while ((await userRows()).rows.length > 0) {
      if (Date.now() > deadline) throw new Error('the erasure was not started again');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const posts = await db.execute(`select 1 from posts where id = '${String(parsePublicId('post', postId))}'`);
    expect(posts.rows).toEqual([]);
  });
});
