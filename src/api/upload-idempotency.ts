/**
 * The `Idempotency-Key` rule both photo uploads follow (`POST /images/upload`, `POST /media`): a
 * key still kept answers with its first upload, and of two concurrent uploads under one key the
 * one whose rows land first wins while the other answers with it.
 */
import { postgresErrorOf } from '../db/client';

/** Where one kind of upload keeps its keys, already narrowed to the uploader. */
export interface UploadKeys<Earlier> {
  find(key: string): Promise<Earlier | null | undefined>;
  /** Clears a key whose upload is no longer kept, so the key can name a new one. */
  expire(key: string): Promise<void>;
}

/** The upload this key named before, if it is still kept. */
export async function earlierUpload<Earlier>(
  keys: UploadKeys<Earlier>,
  key: string | undefined,
): Promise<Earlier | undefined> {
  if (!key) return undefined;
  const earlier = await keys.find(key);
  if (earlier) return earlier;
  await keys.expire(key);
  return undefined;
}

/**
 * Inserts the rows of an upload whose original is already stored. If that fails the original is
 * deleted, so nothing is left behind; when the failure is another upload having taken the key
 * meanwhile, that upload is returned for the answer.
 */
export async function insertUpload<Earlier>(
  keys: UploadKeys<Earlier>,
  key: string | undefined,
  upload: { insert(): Promise<unknown>; deleteOriginal(): Promise<void> },
): Promise<Earlier | undefined> {
  try {
    await upload.insert();
    return undefined;
  } catch (error) {
    await upload.deleteOriginal();
    const winner = key && postgresErrorOf(error)?.code === '23505' && (await keys.find(key));
    if (winner) return winner;
    throw error;
  }
}
