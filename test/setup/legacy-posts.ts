/**
 * Posts made the old way: rows written in the schema of migration 0001 (image facts on the post,
 * no media table), before the global setup applies the later migrations over them. The test in
 * test/api/legacy-posts.test.ts then checks through the API that they came through unchanged.
 */
import { neon } from '@neondatabase/serverless';

/** Journal `when` of 0001_search_notifications, the last migration before posts had several photos. */
export const beforeMediaMigration = 1795624606052;

export interface LegacyPosts {
  userId: string;
  posts: { public: string; followers: string; failed: string; processing: string };
}

/** Writes one author and four posts in the 0001 schema; null when the database is past it already. */
export async function seedLegacyPosts(databaseUrl: string): Promise<LegacyPosts | null> {
  const sql = neon(databaseUrl);
  const [state] = await sql`select to_regclass('public.media') is not null as migrated`;
  if (state?.migrated === true) return null;
  const [user] = await sql`
    insert into users (username, email, password_hash, posts_count)
    values ('legacy_author', 'legacy@example.com', 'not a usable hash', 2) returning id`;
  const userId = String(user?.id);
  const metadata = JSON.stringify({
    camera: 'Canon EOS 5D',
    exposure: { lens: null, fNumber: 2.8, exposureTime: '1/200', iso: 100, focalLength: 50 },
    blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
  });
  const rows = await sql`
    insert into posts (user_id, caption, alt_text, tags, privacy, status, format, file_size, width, height, metadata,
                       failure_reason, created_at)
    values
      (${userId}, 'Old public #legacy', 'An old photo', '{legacy}', 'public', 'ready', 'JPEG', 12345, 5, 3, ${metadata}::jsonb,
       null, now() - interval '3 days'),
      (${userId}, 'Old for followers', null, '{}', 'followers', 'ready', 'PNG', 2222, 3, 5, ${metadata}::jsonb,
       null, now() - interval '2 days'),
      (${userId}, 'Old failed', null, '{}', 'public', 'failed', 'WEBP', 99, null, null, null,
       'The file is not a supported image (corrupt)', now() - interval '1 day'),
      (${userId}, 'Old processing', null, '{}', 'public', 'processing', 'JPEG', 77, null, null, null, null, now())
    returning id, caption`;
  const idOf = (caption: string) => String(rows.find((row) => row.caption === caption)?.id);
  return {
    userId,
    posts: {
      public: idOf('Old public #legacy'),
      followers: idOf('Old for followers'),
      failed: idOf('Old failed'),
      processing: idOf('Old processing'),
    },
  };
}
