/**
 * Search, in Postgres. Text is compared folded — lower case, accents removed (`search_fold`, see
 * migration 0001) — on both sides, and every path has a GIN index: trigrams for user names, a
 * full-text document of caption and tags for posts, the tags array for tag filters.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { listedFor, userVisibleTo } from './visibility';
import { follows, posts, users } from '../schema';

/** A page by number: `offset` rows skipped, `limit` returned, and the exact number of matches. */
export interface PageRequest {
  limit: number;
  offset: number;
}

/** `%`, `_` and `\` are LIKE syntax; escaped, a query containing them matches them literally. */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface UserMatch {
  id: string;
  username: string;
  fullName: string | null;
  avatarUrl: string | null;
  followersCount: number;
  isFollowing: boolean;
}

/**
 * Users whose username or full name contains `query` (so prefixes too), the exact username first,
 * then the most followed: one page, each row carrying the exact number of matches (a single row
 * with null columns when the page is past the end). Exported so the benchmark can EXPLAIN it.
 */
export function userSearchQuery(query: string, viewerId: string | undefined, page: PageRequest): SQL {
  const pattern = likeContaining(query);
  const isFollowing = viewerId
    ? sql`exists (select 1 from ${follows} f where f.follower_id = ${viewerId} and f.following_id = m.id)`
    : sql`false`;
  return sql`
    with matches as materialized (
      select u.id, u.username, u.full_name, u.avatar_url, u.followers_count,
             lower(u.username) = lower(${query}) as exact
      from ${users} u
      where (public.search_fold(u.username) like public.search_fold(${pattern}) escape '\\'
         or public.search_fold(u.full_name) like public.search_fold(${pattern}) escape '\\')
        and ${userVisibleTo(viewerId, sql`u.id`)}
    ), page as (
      select m.*, ${isFollowing} as is_following
      from matches m
      order by m.exact desc, m.followers_count desc, lower(m.username), m.id
      limit ${page.limit} offset ${page.offset}
    )
    select (select count(*) from matches) as total, page.*
    from (select 1) one left join page on true
    order by page.exact desc, page.followers_count desc, lower(page.username), page.id`;
}

export async function searchUsers(
  db: Db,
  query: string,
  viewerId: string | undefined,
  page: PageRequest,
): Promise<{ total: number; users: UserMatch[] }> {
  const result = await db.execute<{
    total: string;
    id: string | null;
    username: string;
    full_name: string | null;
    avatar_url: string | null;
    followers_count: number;
    is_following: boolean;
  }>(userSearchQuery(query, viewerId, page));
  return {
    total: Number(result.rows[0]?.total ?? 0),
    users: result.rows.flatMap((r) =>
      r.id === null
        ? []
        : [
            {
              id: r.id,
              username: r.username,
              fullName: r.full_name,
              avatarUrl: r.avatar_url,
              followersCount: r.followers_count,
              isFollowing: r.is_following === true,
            },
          ],
    ),
  };
}

export type PostSort = 'recent' | 'relevant';

export interface PostSearch {
  /** Words, all of which must be in the caption or tags (plain words: no query syntax). */
  words?: string;
  /** Tags the post must all carry, as stored (lower case). */
  tags?: string[];
  sort: PostSort;
}

const searchDocument = sql`public.post_search_document(p.caption, p.tags)`;

function wordsQuery(words: string): SQL {
  return sql`plainto_tsquery('simple', public.search_fold(${words}))`;
}

function postConditions(search: PostSearch): SQL[] {
  const conditions = [sql`p.status = 'ready'`];
  if (search.words !== undefined) conditions.push(sql`${searchDocument} @@ ${wordsQuery(search.words)}`);
  if (search.tags?.length) {
    conditions.push(
      sql`p.tags @> array[${sql.join(
        search.tags.map((tag) => sql`${tag}`),
        sql`, `,
      )}]::text[]`,
    );
  }
  return conditions;
}

/** Relevance is text rank when there are words; with tags alone, the most liked first. */
function postOrder(search: PostSearch): SQL {
  if (search.sort === 'recent') return sql`m.created_at desc, m.id desc`;
  return search.words !== undefined
    ? sql`m.rank desc, m.created_at desc, m.id desc`
    : sql`m.likes_count desc, m.created_at desc, m.id desc`;
}

/**
 * Ready posts matching words and/or tags that the viewer may see: one page of ids in order, each
 * row carrying the exact number of matches. Exported so the benchmark can EXPLAIN it.
 */
export function postSearchQuery(search: PostSearch, viewerId: string | undefined, page: PageRequest): SQL {
  const rank = search.words !== undefined ? sql`ts_rank(${searchDocument}, ${wordsQuery(search.words)})` : sql`0`;
  return sql`
    with matches as materialized (
      select p.id, p.created_at, p.likes_count, ${rank} as rank
      from ${posts} p
      where ${sql.join(postConditions(search), sql` and `)} and ${listedFor(viewerId)}
    ), page as (
      select m.id, row_number() over (order by ${postOrder(search)}) as position
      from matches m
      order by ${postOrder(search)}
      limit ${page.limit} offset ${page.offset}
    )
    select (select count(*) from matches) as total, page.id
    from (select 1) one left join page on true
    order by page.position`;
}

/** The page's post ids in order, and the exact number of matches; the caller hydrates the page. */
export async function searchPosts(
  db: Db,
  search: PostSearch,
  viewerId: string | undefined,
  page: PageRequest,
): Promise<{ total: number; postIds: string[] }> {
  const result = await db.execute<{ total: string; id: string | null }>(postSearchQuery(search, viewerId, page));
  return {
    total: Number(result.rows[0]?.total ?? 0),
    postIds: result.rows.flatMap((r) => (r.id === null ? [] : [r.id])),
  };
}
