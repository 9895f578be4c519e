import { z } from '@hono/zod-openapi';
import { imageFormats, postPrivacies } from '../../db/schema';
import { limits } from '../../shared/limits';

const tagPattern = new RegExp(limits.tags.pattern, 'u');
const hashtag = /#([\p{L}\p{N}_]{1,50})/gu;

export const Tag = z
  .string()
  .trim()
  .transform((tag) => tag.replace(/^#/, '').toLowerCase())
  .pipe(z.string().min(1).max(limits.tags.maxLength).regex(tagPattern, 'Tags are letters, digits and "_"'));

/** Tags arrive as a JSON array string (`["sunset","beach"]`) or a comma-separated list. */
const TagList = z
  .string()
  .transform((text, ctx) => {
    const trimmed = text.trim();
    if (!trimmed.startsWith('[')) return trimmed === '' ? [] : trimmed.split(',');
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'tags must be a JSON array or a comma-separated list' });
      return z.NEVER;
    }
  })
  .pipe(z.array(Tag));

/** The caption's #hashtags count as tags too. */
export function tagsOf(explicit: string[], caption: string | null | undefined): string[] {
  const fromCaption = [...(caption ?? '').matchAll(hashtag)].map((m) => (m[1] ?? '').toLowerCase());
  return [...new Set([...explicit, ...fromCaption])];
}

export const Location = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().trim().max(limits.locationName.max).optional(),
});

/** A JSON object string: numbers must be JSON numbers, so "" or "abc" never becomes 0,0. */
const LocationField = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'location must be a JSON object' });
      return z.NEVER;
    }
  })
  .pipe(Location);

export const Privacy = z.enum(postPrivacies);
export const Caption = z.string().max(limits.caption.max);
export const AltText = z.string().max(limits.altText.max);

export const UploadForm = z
  .strictObject({
    image: z
      .custom<File>((value) => value instanceof File, { message: 'image must be a file' })
      .openapi({ type: 'string', format: 'binary' }),
    caption: Caption.optional(),
    altText: AltText.optional(),
    tags: TagList.optional().openapi({ type: 'string', example: '["sunset","beach"]' }),
    location: LocationField.optional().openapi({
      type: 'string',
      example: '{"latitude":37.77,"longitude":-122.42,"name":"San Francisco"}',
    }),
    privacy: Privacy.default('public'),
  })
  .openapi('UploadForm');

/** 1 to 20 media ids in display order, each once. */
export const MediaIds = z
  .array(z.string())
  .min(1)
  .max(limits.media.maxPerPost)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'Each photo may appear only once' });

export const PostPatch = z
  .strictObject({
    caption: Caption.nullable().optional(),
    altText: AltText.nullable().optional().openapi({ description: 'Of the first photo' }),
    tags: z.array(Tag).max(limits.tags.maxCount).optional(),
    location: Location.nullable().optional(),
    privacy: Privacy.optional(),
    mediaIds: MediaIds.optional().openapi({
      description: 'The post’s own photos in a new order, or fewer of them; photos left out are deleted',
    }),
  })
  .openapi('PostPatch');

export const UploadAccepted = z
  .object({
    postId: z.string(),
    imageUrl: z.string(),
    thumbnailUrl: z.string(),
    processingStatus: z.enum(['processing', 'ready', 'failed']),
    estimatedProcessingTime: z.number().int().openapi({ description: 'Seconds until ready, estimated' }),
  })
  .openapi('UploadAccepted');

export const Exposure = z.object({
  lens: z.string().nullable(),
  fNumber: z.number().nullable(),
  exposureTime: z.string().nullable(),
  iso: z.number().nullable(),
  focalLength: z.number().nullable(),
});

export const PhotoMetadata = z
  .object({
    width: z.number().int(),
    height: z.number().int(),
    fileSize: z.number().int(),
    format: z.enum(imageFormats),
    camera: z.string().nullable(),
    exposure: Exposure.nullable(),
    blurhash: z.string(),
    aspectRatio: z.number(),
  })
  .openapi('PhotoMetadata');

/** One photo of a post. Its URLs follow the post's privacy, and are null until the post is ready. */
export const MediaItem = z
  .object({
    mediaId: z.string(),
    imageUrl: z.string().nullable(),
    displayUrl: z.string().nullable(),
    thumbnailUrl: z.string().nullable(),
    altText: z.string().nullable(),
    metadata: PhotoMetadata.nullable(),
  })
  .openapi('MediaItem');

export const PostDetail = z
  .object({
    postId: z.string(),
    userId: z.string(),
    username: z.string(),
    imageUrl: z.string().nullable().openapi({ description: 'The original variant; null until ready' }),
    displayUrl: z.string().nullable(),
    thumbnailUrl: z.string().nullable(),
    caption: z.string().nullable(),
    altText: z.string().nullable(),
    tags: z.array(z.string()),
    location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().nullable() }).nullable(),
    privacy: Privacy,
    processingStatus: z.enum(['processing', 'ready', 'failed']),
    failureReason: z.string().nullable().optional().openapi({ description: 'Only for the author, when failed' }),
    likesCount: z.number().int(),
    commentsCount: z.number().int(),
    isLiked: z.boolean(),
    createdAt: z.string(),
    metadata: PhotoMetadata.nullable().openapi({ description: 'Of the first photo; null until the post is ready' }),
    media: z
      .array(MediaItem)
      .openapi({ description: 'The photos, in display order; the first is the post’s own image' }),
    mediaCount: z.number().int(),
  })
  .openapi('PostDetail');
