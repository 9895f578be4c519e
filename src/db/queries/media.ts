/**
 * Photos (`media` rows): uploading, attaching to posts, ordering, processing, and the R2 objects
 * each one owns. A post's status follows its photos (`settlePost`): ready when all are, failed
 * when one fails.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { MediaObjects } from '../../shared/images';
import type { Db } from '../client';
import { userVisibleTo } from './visibility';
import { uuidArray } from './uuid-array';
import {
  media,
  mediaUploadKeys,
  posts,
  users,
  type ImageFormat,
  type ImageMetadata,
  type MediaRow,
  type MediaStatus,
  type PostStatus,
} from '../schema';

/** A photo as read paths carry it inside its post (aggregated in SQL, see `mediaOfPost`). */
export interface MediaSummary {
  id: string;
  imageName: string;
  altText: string | null;
  status: MediaStatus;
  format: ImageFormat;
  fileSize: number;
  width: number | null;
  height: number | null;
  metadata: ImageMetadata | null;
}

/**
 * A correlated subquery giving the photos of the post whose id is `postId`, in order, as one JSON
 * array: a page of posts is hydrated in one statement, each post's photos read by the
 * `(post_id, position)` index. Never null: a post has at least one photo.
 */
export function mediaOfPost(postId: SQL): SQL<MediaSummary[]> {
  return sql<MediaSummary[]>`coalesce((
    select json_agg(json_build_object(
      'id', pm.id, 'imageName', pm.image_name, 'altText', pm.alt_text, 'status', pm.status, 'format', pm.format,
      'fileSize', pm.file_size, 'width', pm.width, 'height', pm.height, 'metadata', pm.metadata
    ) order by pm.position, pm.id)
    from ${media} pm where pm.post_id = ${postId}), '[]'::json)`;
}

// ---- R2 objects: the only way code that deletes or exports bytes learns their keys ----

const objectColumns = { originalKey: media.originalKey, imageName: media.imageName };

/** The R2 names of every photo of a post (give each to `r2Keys.ofMedia`). */
export function mediaObjectsOfPost(db: Db, postId: string): Promise<MediaObjects[]> {
  return db.select(objectColumns).from(media).where(eq(media.postId, postId));
}

/** The R2 names of every photo a user uploaded, attached to a post or not. */
export function mediaObjectsOfUser(db: Db, userId: string): Promise<MediaObjects[]> {
  return db.select(objectColumns).from(media).where(eq(media.userId, userId));
}

// ---- uploads ----

export type NewMedia = Pick<
  MediaRow,
  'id' | 'userId' | 'altText' | 'originalKey' | 'imageName' | 'format' | 'fileSize'
> & { postId?: string; position?: number };

/** An unattached photo and, when the upload carried an Idempotency-Key, its key: one transaction. */
export async function insertMedia(
  db: Db,
  row: NewMedia,
  idempotency: { key: string; response: Record<string, unknown> } | undefined,
): Promise<void> {
  const insert = db.insert(media).values({ ...row, status: 'processing' });
  if (idempotency === undefined) {
    await insert;
    return;
  }
  await db.batch([insert, db.insert(mediaUploadKeys).values({ userId: row.userId, ...idempotency, mediaId: row.id })]);
}

/** The photo an earlier `POST /media` with this key created, if the key is younger than a day. */
export async function findMediaByUploadKey(
  db: Db,
  userId: string,
  key: string,
): Promise<{ media: MediaRow; response: Record<string, unknown> | null } | undefined> {
  const [row] = await db
    .select({ media, response: mediaUploadKeys.response })
    .from(mediaUploadKeys)
    .innerJoin(media, eq(media.id, mediaUploadKeys.mediaId))
    .where(
      and(
        eq(mediaUploadKeys.userId, userId),
        eq(mediaUploadKeys.key, key),
        sql`${mediaUploadKeys.createdAt} > now() - interval '24 hours'`,
      ),
    )
    .limit(1);
  return row;
}

/** Frees a key older than a day so it can name a new upload. */
export async function expireMediaUploadKey(db: Db, userId: string, key: string): Promise<void> {
  await db.execute(sql`
    delete from ${mediaUploadKeys}
    where user_id = ${userId} and key = ${key} and created_at <= now() - interval '24 hours'`);
}

/** The uploader's own photo with its post's privacy and status (null while unattached). */
export async function findOwnMedia(db: Db, mediaId: string, userId: string) {
  const [row] = await db
    .select({ media, postPrivacy: posts.privacy, postStatus: posts.status })
    .from(media)
    .leftJoin(posts, eq(posts.id, media.postId))
    .where(and(eq(media.id, mediaId), eq(media.userId, userId)))
    .limit(1);
  return row;
}

export async function updateMediaAltText(db: Db, mediaId: string, userId: string, altText: string | null) {
  const [row] = await db
    .update(media)
    .set({ altText, updatedAt: sql`now()` })
    .where(and(eq(media.id, mediaId), eq(media.userId, userId)))
    .returning({ postId: media.postId });
  return row;
}

/** The alt text of a post's first photo: what the post's own `altText` is. */
export async function updateFirstMediaAltText(db: Db, postId: string, altText: string | null): Promise<void> {
  await db.execute(sql`
    update ${media} set alt_text = ${altText}, updated_at = now()
    where id = (select id from ${media} where post_id = ${postId} order by position, id limit 1)`);
}

// ---- posts of several photos ----

/** Who owns each of `ids` and whether it is attached already: what `POST /posts` checks first. */
export function mediaForAttaching(db: Db, ids: string[]) {
  return db
    .select({ id: media.id, userId: media.userId, postId: media.postId, status: media.status })
    .from(media)
    .where(sql`${media.id} = any(${uuidArray(ids)})`);
}

/**
 * Attaches the author's unattached photos to their new post, in the order given. Returns how many
 * were attached: fewer than asked means another request attached one first, and the caller undoes.
 */
export async function attachMedia(db: Db, postId: string, authorId: string, ids: string[]): Promise<number> {
  const result = await db.execute<{ id: string }>(sql`
    update ${media} m set post_id = ${postId}, position = array_position(${uuidArray(ids)}, m.id) - 1, updated_at = now()
    where m.id = any(${uuidArray(ids)}) and m.user_id = ${authorId} and m.post_id is null
    returning m.id`);
  return result.rows.length;
}

/** Undoes a post whose photos could not all be attached: its photos are free again, the post is gone. */
export async function abandonPost(db: Db, postId: string): Promise<void> {
  await db.batch([
    db.update(media).set({ postId: null, position: 0 }).where(eq(media.postId, postId)),
    db.delete(posts).where(and(eq(posts.id, postId), eq(posts.status, 'processing'))),
  ]);
}

/** The photos of a post, in order: what `PATCH /images/{postId}` reorders or removes. */
export function mediaOfPostInOrder(db: Db, postId: string) {
  return db
    .select({ id: media.id, originalKey: media.originalKey, imageName: media.imageName })
    .from(media)
    .where(eq(media.postId, postId))
    .orderBy(media.position, media.id);
}

/** Keeps exactly `ids` (the post's own photos) in that order and deletes its other photos: one statement. */
export async function arrangePostMedia(db: Db, postId: string, ids: string[]): Promise<void> {
  await db.execute(sql`
    with removed as (
      delete from ${media} where post_id = ${postId} and not (id = any(${uuidArray(ids)}))
    )
    update ${media} m set position = array_position(${uuidArray(ids)}, m.id) - 1, updated_at = now()
    where m.post_id = ${postId} and m.id = any(${uuidArray(ids)})`);
}

type SettledRow = { status: PostStatus; user_id: string };

/**
 * The statement that brings a post's status in line with its photos: failed when one failed (with
 * that photo's reason), ready when all are ready (and then counted for its author). A ready post
 * never goes back. Returns the new status and the author when this statement changed it.
 */
function settlePostStatement(postId: SQL) {
  return sql`
    with photos as (
      select count(*) as n, bool_and(status = 'ready') as all_ready,
        (select failure_reason from ${media} where post_id = ${postId} and status = 'failed'
         order by position, id limit 1) as failure
      from ${media} where post_id = ${postId}
    ), target as (
      select case when n = 0 or failure is not null then 'failed' when all_ready then 'ready' end as status,
        case when n = 0 then 'The post has no photo' else failure end as failure
      from photos
    ), settled as (
      update ${posts} p
      set status = target.status,
          failure_reason = case when target.status = 'failed' then target.failure end,
          updated_at = now()
      from target
      where p.id = ${postId} and target.status is not null and p.status <> 'ready' and p.status <> target.status
      returning p.status, p.user_id
    ), counted as (
      update ${users} set posts_count = posts_count + 1
      where id in (select user_id from settled where status = 'ready')
    )
    select status, user_id from settled`;
}

const settledOf = (rows: SettledRow[]) => {
  const row = rows[0];
  return row && { status: row.status, userId: row.user_id };
};

/**
 * Brings a post's status in line with its photos (see `settlePostStatement`), so only one caller
 * fans it out.
 *
 * It must run in a statement of its own after the photo's own update has committed: two photos
 * finishing at once each see the other's committed state that way, so the last one settles it.
 */
export async function settlePost(db: Db, postId: string): Promise<{ status: PostStatus; userId: string } | undefined> {
  const result = await db.execute<SettledRow>(settlePostStatement(sql`${postId}`));
  return settledOf(result.rows);
}

// ---- the processor's side ----

export async function findMediaForProcessing(db: Db, mediaId: string) {
  const [row] = await db
    .select({
      id: media.id,
      userId: media.userId,
      postId: media.postId,
      status: media.status,
      originalKey: media.originalKey,
      imageName: media.imageName,
    })
    .from(media)
    .where(eq(media.id, mediaId))
    .limit(1);
  return row;
}

/** The photos of a post still processing: what a job queued before photos had ids of their own names. */
export async function processingMediaOfPost(db: Db, postId: string): Promise<string[]> {
  const rows = await db
    .select({ id: media.id })
    .from(media)
    .where(and(eq(media.postId, postId), eq(media.status, 'processing')));
  return rows.map((r) => r.id);
}

export interface ProcessedMedia {
  width: number;
  height: number;
  metadata: ImageMetadata;
}

/**
 * Marks a processing photo ready and settles its post, in one transaction (one round trip). The
 * post's row is locked first: two photos of one post finishing at once then take turns, and the
 * second one's statements (each reading what is committed when it starts) see the first photo
 * ready, so the last one settles the post — what `settlePost` gets by running after a commit.
 * Returns the photo's post id (as it is now) when this call marked it — a second delivery of the
 * same job gets undefined — and the post's new status and author when this call changed it.
 */
export async function markMediaReady(db: Db, mediaId: string, result: ProcessedMedia) {
  const postOfPhoto = sql`(select post_id from ${media} where id = ${mediaId})`;
  const [, marked, settled] = await db.batch([
    db.execute(sql`select 1 from ${posts} where id = ${postOfPhoto} for update`),
    db.execute<{ post_id: string | null }>(sql`
      update ${media}
      set status = 'ready', width = ${result.width}, height = ${result.height},
          metadata = ${JSON.stringify(result.metadata)}::jsonb, failure_reason = null, updated_at = now()
      where id = ${mediaId} and status = 'processing'
      returning post_id`),
    // Safe whether or not this call marked the photo: settling changes (and counts) a post once.
    db.execute<SettledRow>(settlePostStatement(postOfPhoto)),
  ]);
  const row = marked.rows[0];
  return { readied: row && { postId: row.post_id }, settled: settledOf(settled.rows) };
}

/** Marks a processing photo failed; returns its post id when this call did it. */
export async function markMediaFailed(db: Db, mediaId: string, reason: string) {
  const [row] = await db
    .update(media)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(media.id, mediaId), eq(media.status, 'processing')))
    .returning({ postId: media.postId });
  return row;
}

/**
 * Photos left processing longer than `olderThanSeconds`: the ones requeued fewer than `maxRequeues`
 * times are counted up and returned for another try; the rest are failed (returned with their
 * posts, to settle). One statement each.
 */
export async function sweepStuckMedia(db: Db, olderThanSeconds: number, maxRequeues: number, batch: number) {
  const failed = await db.execute<{ id: string; post_id: string | null }>(sql`
    update ${media} set status = 'failed', failure_reason = 'Processing did not finish in time', updated_at = now()
    where id in (
      select id from ${media}
      where status = 'processing' and updated_at < now() - make_interval(secs => ${olderThanSeconds})
        and requeues >= ${maxRequeues}
      limit ${batch}
    )
    returning id, post_id`);
  const requeued = await db.execute<{ id: string }>(sql`
    update ${media} set requeues = requeues + 1, updated_at = now()
    where id in (
      select id from ${media}
      where status = 'processing' and updated_at < now() - make_interval(secs => ${olderThanSeconds})
        and requeues < ${maxRequeues}
      limit ${batch}
    )
    returning id`);
  return {
    failed: failed.rows.map((r) => ({ mediaId: r.id, postId: r.post_id })),
    requeued: requeued.rows.map((r) => r.id),
  };
}

/** Posts still processing though none of their photos is: left behind by a run that died between steps. */
export async function unsettledPosts(db: Db, olderThanSeconds: number, batch: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select p.id from ${posts} p
    where p.status = 'processing' and p.updated_at < now() - make_interval(secs => ${olderThanSeconds})
      and not exists (select 1 from ${media} m where m.post_id = p.id and m.status = 'processing')
    limit ${batch}`);
  return result.rows.map((r) => r.id);
}

/**
 * Deletes photos never attached to a post within `olderThanHours`, returning their R2 names for
 * the caller to delete. Rows go first: a photo attached a moment ago is then left alone, never
 * stripped of its bytes.
 */
export async function deleteUnattachedMedia(db: Db, olderThanHours: number, batch: number): Promise<MediaObjects[]> {
  const result = await db.execute<{ original_key: string; image_name: string }>(sql`
    delete from ${media}
    where id in (
      select id from ${media}
      where post_id is null and created_at < now() - make_interval(hours => ${olderThanHours})
      limit ${batch}
    ) and post_id is null
    returning original_key, image_name`);
  return result.rows.map((r) => ({ originalKey: r.original_key, imageName: r.image_name }));
}

// ---- image bytes ----

/** What the image route needs to decide whether a photo's bytes may be served. */
export async function findMediaVisibility(db: Db, imageName: string, viewerId?: string) {
  const [row] = await db
    .select({
      status: media.status,
      userId: media.userId,
      postStatus: posts.status,
      privacy: posts.privacy,
    })
    .from(media)
    .leftJoin(posts, eq(posts.id, media.postId))
    // Nothing of a suspended uploader, nor across a block with the viewer a signed URL was made for.
    .where(and(eq(media.imageName, imageName), userVisibleTo(viewerId, sql`"media"."user_id"`)))
    .limit(1);
  return row;
}

/** A photo's state and its post's, as the uploader's live status events tell them. */
export async function findMediaStatus(db: Db, mediaId: string) {
  const [row] = await db
    .select({
      userId: media.userId,
      postId: media.postId,
      status: media.status,
      failureReason: media.failureReason,
      postStatus: posts.status,
      postFailureReason: posts.failureReason,
    })
    .from(media)
    .leftJoin(posts, eq(posts.id, media.postId))
    .where(eq(media.id, mediaId))
    .limit(1);
  return row;
}
