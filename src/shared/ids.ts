/**
 * Public ids are `<kind>_<32 hex>`: the row's UUID without dashes behind a type prefix. The prefix
 * makes ids self-describing in logs and URLs; keeping UUIDs in Postgres keeps the seed's schema.
 */
export type IdKind = 'user' | 'post' | 'comment' | 'notif' | 'media' | 'report' | 'action' | 'export' | 'push';

const HEX32 = /^[0-9a-f]{32}$/;

export function toPublicId(kind: IdKind, uuid: string): string {
  return `${kind}_${uuid.replaceAll('-', '')}`;
}

/** The UUID behind a public id, or null when it is malformed or of another kind (callers answer 404). */
export function parsePublicId(kind: IdKind, id: string): string | null {
  const prefix = `${kind}_`;
  if (!id.startsWith(prefix)) return null;
  const hex = id.slice(prefix.length).toLowerCase();
  if (!HEX32.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
