import { sql, type SQL } from 'drizzle-orm';

/**
 * A transaction-scoped lock on the pair of users, whichever way round they are named. A follow
 * and a block between the same two take it first, so a follow can never slip in beside a block
 * that is being written (each statement then sees the other's committed rows).
 */
export function pairLock(a: string, b: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended(least(${a}::text, ${b}::text) || greatest(${a}::text, ${b}::text), 0))`;
}
