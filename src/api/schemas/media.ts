import { z } from '@hono/zod-openapi';
import { limits } from '../../shared/limits';
import { AltText, Caption, Location, MediaIds, PhotoMetadata, Privacy, Tag } from './posts';

const Status = z.enum(['processing', 'ready', 'failed']);

export const MediaUploadForm = z
  .strictObject({
    image: z
      .custom<File>((value) => value instanceof File, { message: 'image must be a file' })
      .openapi({ type: 'string', format: 'binary' }),
    altText: AltText.optional(),
  })
  .openapi('MediaUploadForm');

export const MediaAccepted = z.object({ mediaId: z.string(), processingStatus: Status }).openapi('MediaAccepted');

export const MediaDetail = z
  .object({
    mediaId: z.string(),
    postId: z.string().nullable().openapi({ description: 'The post it is in; null until attached' }),
    processingStatus: Status,
    failureReason: z.string().nullable(),
    altText: z.string().nullable(),
    imageUrl: z.string().nullable().openapi({ description: 'Null until it can be served' }),
    displayUrl: z.string().nullable(),
    thumbnailUrl: z.string().nullable(),
    metadata: PhotoMetadata.nullable(),
  })
  .openapi('MediaDetail');

export const MediaPatch = z.strictObject({ altText: AltText.nullable() }).openapi('MediaPatch');

export const MediaIdParam = z.object({ mediaId: z.string() });

export const PostCreate = z
  .strictObject({
    mediaIds: MediaIds.openapi({ description: `1 to ${limits.media.maxPerPost} of your unattached photos, in order` }),
    caption: Caption.optional(),
    altText: AltText.optional().openapi({ description: 'Of the first photo, replacing its own' }),
    tags: z.array(Tag).max(limits.tags.maxCount).optional(),
    location: Location.optional(),
    privacy: Privacy.default('public'),
  })
  .openapi('PostCreate');
