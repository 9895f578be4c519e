import { sql, type SQL } from 'drizzle-orm';

/**
 * A timestamp as fixed-width ISO text in UTC, exact to the microsecond (`2024-01-20T18:45:00.123456Z`).
 * JavaScript dates stop at milliseconds, so cursors and timeline positions carry this text instead:
 * ties and near-ties keep their order, and the fixed width makes text order equal time order.
 */
export function exactTime(column: unknown): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
