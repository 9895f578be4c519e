import type { AccountJob } from '../shared/account-jobs';
import type { AccountJobDeps } from './deps';
import { eraseAccountStep } from './erase-account';

/** One account job; an erasure with work left sends its next step, so each invocation stays bounded. */
export async function runAccountJob(deps: AccountJobDeps, job: AccountJob): Promise<void> {
  if (job.kind === 'erase-account') {
    if (await eraseAccountStep(deps, job.userId)) await deps.accountJobs.send(job);
    return;
  }
  throw new Error(`unknown account job ${job.kind}`);
}
