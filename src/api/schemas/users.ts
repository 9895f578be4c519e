import { z } from '@hono/zod-openapi';
import { userRoles } from '../../db/schema';
import { limits } from '../../shared/limits';

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(limits.username.min)
  .max(limits.username.max)
  .regex(new RegExp(limits.username.pattern), 'Only letters a-z, digits, "_" and "."')
  .openapi({ example: 'johndoe', description: 'Stored lower-case; unique regardless of case' });

export const FullName = z
  .string()
  .trim()
  .max(limits.fullName.max)
  .transform((name) => name || null)
  .nullable()
  .openapi({ example: 'John Doe', type: 'string' });

export const Bio = z
  .string()
  .trim()
  .max(limits.bio.max)
  .transform((bio) => bio || null)
  .nullable()
  .openapi({ example: 'Photography enthusiast', type: 'string' });

export const UserId = z.string().openapi({ example: 'user_0190b7a1c2d34e5f8a9b0c1d2e3f4a5b' });

const publicProfileShape = {
  userId: UserId,
  username: z.string(),
  fullName: z.string().nullable(),
  avatar: z.string().nullable().openapi({ description: 'Absolute URL of the avatar, or null' }),
  bio: z.string().nullable(),
  followersCount: z.number().int(),
  followingCount: z.number().int(),
  postsCount: z.number().int(),
  isVerified: z.boolean(),
  createdAt: z.string().openapi({ example: '2024-01-15T10:30:00.000Z' }),
};

export const OwnProfile = z
  .object({
    ...publicProfileShape,
    email: z.string(),
    role: z
      .enum(userRoles)
      .openapi({ description: 'Set by the operator (`npm run admin`); moderators see /moderation' }),
  })
  .openapi('OwnProfile');

export const PublicProfile = z
  .object({
    ...publicProfileShape,
    isFollowing: z.boolean(),
    isBlocked: z.boolean().openapi({ description: 'The caller blocked this user' }),
    isMuted: z.boolean().openapi({ description: 'The caller muted this user' }),
  })
  .openapi('PublicProfile');

export const ProfilePatch = z
  .strictObject({
    username: Username.optional(),
    fullName: FullName.optional(),
    bio: Bio.optional(),
  })
  .openapi('ProfilePatch');

export const AvatarForm = z
  .strictObject({
    image: z
      .custom<File>((value) => value instanceof File, { message: 'image must be a file' })
      .openapi({ type: 'string', format: 'binary' }),
  })
  .openapi('AvatarForm');
