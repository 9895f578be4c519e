import { createDb } from '../db/client';
import { configFrom } from '../api/config';
import type { AccountJob } from '../shared/account-jobs';
import type { ErasureDeps } from './erase-account';

export interface AccountJobDeps extends ErasureDeps {
  accountJobs: Queue<AccountJob>;
}

/** What the account jobs (erasure, export, their sweep) need, from the API Worker's bindings. */
export function accountJobDeps(env: Env): AccountJobDeps {
  const config = configFrom(env);
  return {
    db: createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT),
    images: env.IMAGES,
    cache: env.CACHE,
    timelines: env.TIMELINES,
    liveConnections: env.LIVE_CONNECTIONS,
    accountJobs: env.ACCOUNT_JOBS,
  };
}
