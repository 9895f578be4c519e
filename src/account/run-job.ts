import type { AccountJob } from '../shared/account-jobs';
import type { AccountJobDeps } from './deps';
import { eraseAccountStep } from './erase-account';
import { runExport } from './export-account';

/** One account job; an erasure with work left sends its next step, so each invocation stays bounded. */
export async function runAccountJob(deps: AccountJobDeps, job: AccountJob): Promise<void> {
  switch (job.kind) {
    case 'erase-account':
      if (await eraseAccountStep(deps, job.userId)) await deps.accountJobs.send(job);
      return;
    case 'export-account':
      await runExport(deps, job.exportId);
      return;
  }
}
