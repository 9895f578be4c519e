/**
 * What the simulation knows it did, for the end checks: each person, each accepted upload, and each
 * like, follow and comment with its state after the last answer about it. A request that got no
 * answer (or a 5xx) leaves its fact `unknown`: the run has failed already, and the checks skip it
 * rather than guess.
 */
export type FactState = 'holds' | 'undone' | 'unknown';

export interface PersonRecord {
  index: number;
  userId: string;
  username: string;
}

export interface CommentFact {
  postId: string;
  authorId: string;
  postAuthorId: string;
  state: FactState;
}

export class Ledger {
  readonly people: PersonRecord[] = [];
  /** Uploads answered 202: post id → author. */
  readonly uploads = new Map<string, string>();
  /** Ready posts someone has seen (feed, explore, search): post id → author. The targets of likes and comments. */
  readonly seenPosts = new Map<string, string>();
  /** `${actorId} ${postId}` */
  readonly likes = new Map<string, FactState>();
  /** `${actorId} ${targetId}` */
  readonly follows = new Map<string, FactState>();
  readonly comments = new Map<string, CommentFact>();

  static key(a: string, b: string): string {
    return `${a} ${b}`;
  }

  static split(key: string): [string, string] {
    const [a = '', b = ''] = key.split(' ');
    return [a, b];
  }

  /** The facts that hold now, as [actor, object] pairs. */
  holding(facts: Map<string, FactState>): [string, string][] {
    return [...facts.entries()].filter(([, state]) => state === 'holds').map(([key]) => Ledger.split(key));
  }

  /** Whether every fact about `object` (a post or a user, as the second half of the key) is known. */
  allKnown(facts: Map<string, FactState>, object: string): boolean {
    for (const [key, state] of facts) if (state === 'unknown' && Ledger.split(key)[1] === object) return false;
    return true;
  }
}
