/**
 * The hourly sweep of account jobs: exports past their 7 days are deleted (bytes, then rows),
 * exports whose job died are failed, and erasures whose queue message was lost are started again.
 */
import { deleteExportRows, unfinishedErasures } from '../db/queries/erasure';
import { expiredExportIds, failStaleExports } from '../db/queries/exports';
import { exportKey } from '../shared/account-jobs';
import { toPublicId } from '../shared/ids';
import type { AccountJobDeps } from './deps';

const batch = 500;
const staleExportSeconds = 2 * 3600;
const stalledErasureSeconds = 15 * 60;

export async function sweepAccountJobs(deps: AccountJobDeps): Promise<{ expired: number; resumed: number }> {
  const expired = await expiredExportIds(deps.db, batch);
  if (expired.length) await deps.images.delete(expired.map((id) => exportKey(toPublicId('export', id))));
  await deleteExportRows(deps.db, expired);
  await failStaleExports(deps.db, staleExportSeconds);
  const stalled = await unfinishedErasures(deps.db, stalledErasureSeconds, batch);
  if (stalled.length)
    await deps.accountJobs.sendBatch(stalled.map((userId) => ({ body: { kind: 'erase-account', userId } })));
  return { expired: expired.length, resumed: stalled.length };
}
