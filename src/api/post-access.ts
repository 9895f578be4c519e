import type { Context } from 'hono';
import { findPostForViewer } from '../db/queries/posts';
import { notFound } from '../shared/errors';
import { parsePublicId } from '../shared/ids';
import { canSeePost } from '../shared/privacy';
import type { AppEnv } from './app-env';

/** A post the viewer may see, or a 404 that does not reveal whether it exists. */
export async function visiblePost(c: Context<AppEnv>, publicId: string) {
  const id = parsePublicId('post', publicId);
  const found = id && (await findPostForViewer(c.var.services.db, id, c.var.viewer?.userId));
  if (!found || !canSeePost(found.post, found.audience)) throw notFound('Post');
  return found;
}

/** The viewer's own post, or the same 404 anyone else gets. */
export async function ownPost(c: Context<AppEnv>, publicId: string) {
  const found = await visiblePost(c, publicId);
  if (!found.audience.isAuthor) throw notFound('Post');
  return found.post;
}
