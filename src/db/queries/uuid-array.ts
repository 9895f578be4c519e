import { sql, type SQL } from 'drizzle-orm';

/** Ids as one `uuid[]` value, for `= any(…)`, `unnest(…)` and `array_position(…)`. */
export function uuidArray(ids: string[]): SQL {
  return sql`array[${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}]::uuid[]`;
}
