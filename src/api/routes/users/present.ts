import type { ViewerRelation } from '../../../db/queries/users';
import type { UserRow } from '../../../db/schema';
import { toPublicId } from '../../../shared/ids';

function publicFields(user: UserRow) {
  return {
    userId: toPublicId('user', user.id),
    username: user.username,
    fullName: user.fullName,
    avatar: user.avatarUrl,
    bio: user.bio,
    followersCount: user.followersCount,
    followingCount: user.followingCount,
    postsCount: user.postsCount,
    isVerified: user.isVerified,
    createdAt: user.createdAt.toISOString(),
  };
}

export const ownProfile = (user: UserRow) => ({ ...publicFields(user), email: user.email, role: user.role });

export const publicProfile = (user: UserRow, relation: ViewerRelation) => ({
  ...publicFields(user),
  isFollowing: relation.isFollowing,
  isBlocked: relation.isBlocked,
  isMuted: relation.isMuted,
});
