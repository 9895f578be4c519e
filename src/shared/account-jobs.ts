/** Messages on the account-jobs queue (consumed by the API Worker): ids only, the job re-reads the rows. */
export type AccountJob = { kind: 'erase-account'; userId: string } | { kind: 'export-account'; exportId: string };

/** Where an export's ZIP lives in R2 (private; served only through a signed download URL). */
export const exportKey = (publicExportId: string) => `exports/${publicExportId}.zip`;

/** The R2 key of a profile photo, from the URL stored on the profile. */
export function avatarKeyOf(avatarUrl: string | null): string | undefined {
  return (avatarUrl && /\/(avatars\/[\w-]+\.jpg)$/.exec(avatarUrl)?.[1]) || undefined;
}
