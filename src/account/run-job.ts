import type { AccountJob } from '../shared/account-jobs';
import { toPublicId } from '../shared/ids';
import type { AccountJobDeps } from './deps';
import { eraseAccountStep } from './erase-account';
import { runExport } from './export-account';

/** One account job; an erasure with work left sends its next step, so each invocation stays bounded. */
export async function runAccountJob(deps: AccountJobDeps, job: AccountJob): Promise<void> {
  switch (job.kind) {
    case 'erase-account':
      if (await eraseAccountStep(deps, job.userId)) await deps.accountJobs.send(job);
      return;
    case 'export-account': {
      const started = Date.now();
      const built = await runExport(deps, job.exportId);
      // Its size and the most the sink held at once: the export's memory, followed in the logs.
      if (built)
        console.log(
          JSON.stringify({
            job: 'export-account',
            exportId: toPublicId('export', job.exportId),
            bytes: built.size,
            peakBufferedBytes: built.peakBuffered,
            ms: Date.now() - started,
          }),
        );
      return;
    }
  }
}
