/**
 * Builds one account's export (docs/accounts.md): a ZIP with the account's data as JSON and every
 * photo of its posts exactly as uploaded under `media/`, streamed page by page into an R2
 * multipart upload, so memory never grows with the account.
 */
import type { Db } from '../db/client';
import {
  commentsPage,
  exportToRun,
  blocksOrMutesPage,
  followsPage,
  likesPage,
  markExportFailed,
  markExportReady,
  photosPage,
  postsPage,
} from '../db/queries/exports';
import type { ImageFormat } from '../db/schema';
import { ownProfile } from '../api/routes/users/present';
import { exportKey } from '../shared/account-jobs';
import { toPublicId } from '../shared/ids';
import { MultipartSink } from './multipart-sink';
import { ZipWriter } from './zip-writer';

export interface ExportDeps {
  db: Db;
  images: R2Bucket;
}

const pageSize = 500;
const extension: Record<ImageFormat, string> = { JPEG: 'jpg', PNG: 'png', WEBP: 'webp', HEIC: 'heic', AVIF: 'avif' };

/** Where a photo's original sits inside the archive; posts.json names the same path. */
export const archivePath = (mediaId: string, format: ImageFormat) =>
  `media/${toPublicId('media', mediaId)}.${extension[format]}`;

/** Every page of a keyset-paged query, in order. */
async function* pagesOf<T extends { id: string }>(read: (after: string | null) => Promise<T[]>) {
  let after: string | null = null;
  for (;;) {
    const rows = await read(after);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.id;
  }
}

async function* mapPages<T, U>(pages: AsyncIterable<T[]>, map: (row: T) => U) {
  for await (const rows of pages) yield rows.map(map);
}

async function writeArchive(deps: ExportDeps, userId: string, zip: ZipWriter, account: unknown) {
  const { db } = deps;
  await zip.addJson('account.json', account);
  await zip.addJsonArray(
    'posts.json',
    mapPages(
      pagesOf((after) =>
        postsPage(db, userId, after, pageSize).then((rows) => rows.map((r) => ({ ...r, id: r.post.id }))),
      ),
      ({ post, media }) => ({
        postId: toPublicId('post', post.id),
        caption: post.caption,
        altText: media[0]?.altText ?? null,
        tags: post.tags,
        location:
          post.latitude !== null && post.longitude !== null
            ? { latitude: Number(post.latitude), longitude: Number(post.longitude), name: post.locationName }
            : null,
        privacy: post.privacy,
        processingStatus: post.status,
        likesCount: post.likesCount,
        commentsCount: post.commentsCount,
        createdAt: post.createdAt.toISOString(),
        media: media.map((photo) => ({
          mediaId: toPublicId('media', photo.id),
          altText: photo.altText,
          path: archivePath(photo.id, photo.format),
        })),
      }),
    ),
  );
  await zip.addJsonArray(
    'comments.json',
    mapPages(
      pagesOf((after) => commentsPage(db, userId, after, pageSize)),
      (c) => ({
        commentId: toPublicId('comment', c.id),
        postId: toPublicId('post', c.postId),
        content: c.content,
        createdAt: c.createdAt.toISOString(),
      }),
    ),
  );
  await zip.addJsonArray(
    'likes.json',
    mapPages(
      pagesOf((after) => likesPage(db, userId, after, pageSize)),
      (l) => ({ postId: toPublicId('post', l.postId), createdAt: l.createdAt.toISOString() }),
    ),
  );
  for (const direction of ['followers', 'following'] as const) {
    await zip.addJsonArray(
      `${direction}.json`,
      mapPages(
        pagesOf((after) => followsPage(db, userId, direction, after, pageSize)),
        (f) => ({ userId: toPublicId('user', f.userId), username: f.username, since: f.createdAt.toISOString() }),
      ),
    );
  }
  for (const relation of ['blocks', 'mutes'] as const) {
    await zip.addJsonArray(
      `${relation}.json`,
      mapPages(
        pagesOf((after) => blocksOrMutesPage(db, userId, relation, after, pageSize)),
        (u) => ({ userId: toPublicId('user', u.id), username: u.username, since: u.createdAt.toISOString() }),
      ),
    );
  }
  for await (const photos of pagesOf((after) => photosPage(db, userId, after, pageSize))) {
    for (const photo of photos) {
      const object = await deps.images.get(photo.originalKey);
      // A photo whose original is missing is left out rather than failing the whole export.
      if (object) await zip.addStream(archivePath(photo.id, photo.format), object.body);
    }
  }
}

/** Runs a processing export to the end; a redelivered job for a finished export does nothing. */
export async function runExport(
  deps: ExportDeps,
  exportId: string,
): Promise<{ size: number; peakBuffered: number } | undefined> {
  const found = await exportToRun(deps.db, exportId);
  if (!found) return undefined;
  const key = exportKey(toPublicId('export', exportId));
  const sink = new MultipartSink(
    await deps.images.createMultipartUpload(key, { httpMetadata: { contentType: 'application/zip' } }),
  );
  try {
    const zip = new ZipWriter(sink);
    await writeArchive(deps, found.user.id, zip, ownProfile(found.user));
    await zip.end();
    await sink.complete();
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error;
  }
  // The account may have been deleted meanwhile: then the export row is gone and so must its bytes be.
  if (!(await markExportReady(deps.db, exportId, sink.size))) await deps.images.delete(key);
  return { size: sink.size, peakBuffered: sink.peakBuffered };
}

/** The queue gave up on this export: say so, so the owner can ask again. */
export async function failExport(db: Db, exportId: string, reason: string): Promise<void> {
  await markExportFailed(db, exportId, reason);
}
