/**
 * After the run, through the API only: nothing was lost. Every accepted upload settled (ready; in
 * the fault mode ready or failed with a reason), every counter equal to its rows and to what the
 * simulation did, every like and comment that got a 2xx present, every notification of a fact that
 * still holds delivered to its recipient's open socket. Each failed check is one line of the result.
 */
import type { Client } from './client.ts';
import type { Ledger } from './ledger.ts';
import type { Person } from './person.ts';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

interface PostView {
  processingStatus: 'processing' | 'ready' | 'failed';
  failureReason?: string | null;
  likesCount: number;
  commentsCount: number;
  isLiked: boolean;
}

interface UserView {
  followersCount: number;
  followingCount: number;
}

export interface CheckOptions {
  /** Whether a post may end failed (the fault mode): then it must say why. */
  failedAllowed: boolean;
  settleSeconds: number;
  deliverySeconds: number;
}

/** Runs `work` over `items`, `width` at a time. */
async function eachLimited<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

async function allPages<T>(client: Client, route: string, path: string, field: string): Promise<T[] | null> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; data: Record<string, unknown> } | null = await client.request(
      route,
      `${path}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page?.status !== 200) return null;
    items.push(...(page.data[field] as T[]));
    const pagination = page.data.pagination as { nextCursor: string | null; hasMore: boolean };
    cursor = pagination.hasMore ? pagination.nextCursor : null;
  } while (cursor);
  return items;
}

export class EndChecks {
  readonly failures: string[] = [];
  readonly summary: Record<string, number | string> = {};
  private readonly byUser = new Map<string, Person>();

  constructor(
    private readonly ledger: Ledger,
    people: Person[],
    private readonly options: CheckOptions,
  ) {
    for (const person of people) if (person.record) this.byUser.set(person.userId, person);
  }

  /** `onSettled` runs once no post is processing any more (the fault mode stops its outages there). */
  async run(onSettled: () => void): Promise<void> {
    await this.postsSettled();
    onSettled();
    await this.postCounters();
    await this.likesPresent();
    await this.followCounters();
    await this.notificationsDelivered();
    this.socketsStayedOpen();
  }

  private clientOf(userId: string): Client | undefined {
    return this.byUser.get(userId)?.client;
  }

  private fail(message: string): void {
    this.failures.push(message);
  }

  /** Polls every accepted upload (as its author, who alone sees a failure's reason) until none is processing. */
  private async postsSettled(): Promise<void> {
    const pending = new Map(this.ledger.uploads);
    const outcomes = { ready: 0, failed: 0 };
    const deadline = performance.now() + this.options.settleSeconds * 1000;
    while (pending.size && performance.now() < deadline) {
      await eachLimited([...pending], 8, async ([postId, authorId]) => {
        const answer = await this.clientOf(authorId)?.request<PostView>(
          'check GET /images/{postId}',
          `/images/${postId}`,
        );
        if (answer?.status !== 200) return this.fail(`post ${postId}: GET answered ${answer?.status ?? 'nothing'}`);
        const { processingStatus, failureReason } = answer.data;
        if (processingStatus === 'processing') return;
        pending.delete(postId);
        outcomes[processingStatus]++;
        if (processingStatus === 'failed' && !this.options.failedAllowed)
          this.fail(`post ${postId} failed: ${failureReason ?? 'no reason'}`);
        if (processingStatus === 'failed' && !failureReason) this.fail(`post ${postId} failed without a reason`);
      });
      if (pending.size) await sleep(1000);
    }
    for (const postId of pending.keys())
      this.fail(`post ${postId} still processing ${this.options.settleSeconds} s after the run`);
    Object.assign(this.summary, { uploads: this.ledger.uploads.size, ...outcomes, stuck: pending.size });
  }

  /** likesCount and commentsCount of every post against the simulation, and the comment rows against both. */
  private async postCounters(): Promise<void> {
    const posts = [...new Set([...this.ledger.uploads.keys(), ...this.ledger.seenPosts.keys()])];
    const authorOf = (postId: string) => this.ledger.uploads.get(postId) ?? this.ledger.seenPosts.get(postId) ?? '';
    let checked = 0;
    await eachLimited(posts, 8, async (postId) => {
      const client = this.clientOf(authorOf(postId));
      const post = await client?.request<PostView>('check GET /images/{postId}', `/images/${postId}`);
      if (!client || post?.status !== 200)
        return this.fail(`post ${postId}: GET answered ${post?.status ?? 'nothing'}`);
      if (post.data.processingStatus !== 'ready') return;
      checked++;
      const likes = this.ledger.holding(this.ledger.likes).filter(([, id]) => id === postId).length;
      if (this.ledger.allKnown(this.ledger.likes, postId) && post.data.likesCount !== likes)
        this.fail(`post ${postId}: likesCount ${post.data.likesCount}, the simulation liked it ${likes} times`);
      const comments = [...this.ledger.comments.entries()].filter(([, fact]) => fact.postId === postId);
      const expected = new Set(comments.filter(([, fact]) => fact.state === 'holds').map(([id]) => id));
      const rows = await allPages<{ commentId: string }>(
        client,
        'check GET /posts/{postId}/comments',
        `/posts/${postId}/comments`,
        'comments',
      );
      if (!rows) return this.fail(`post ${postId}: its comments could not be listed`);
      if (rows.length !== post.data.commentsCount)
        this.fail(`post ${postId}: commentsCount ${post.data.commentsCount}, ${rows.length} comments listed`);
      const listed = new Set(rows.map((row) => row.commentId));
      for (const id of expected) if (!listed.has(id)) this.fail(`post ${postId}: comment ${id} (201) is missing`);
      const allKnown = comments.every(([, fact]) => fact.state !== 'unknown');
      if (allKnown && listed.size !== expected.size)
        this.fail(`post ${postId}: ${listed.size} comments listed, the simulation left ${expected.size}`);
    });
    this.summary['posts checked'] = checked;
  }

  /** Each like that holds, seen by its liker as `isLiked`. */
  private async likesPresent(): Promise<void> {
    const likes = this.ledger.holding(this.ledger.likes);
    await eachLimited(likes, 8, async ([actorId, postId]) => {
      const answer = await this.clientOf(actorId)?.request<PostView>('check GET /images/{postId}', `/images/${postId}`);
      if (answer?.status !== 200 || !answer.data.isLiked) this.fail(`like by ${actorId} on ${postId} (2xx) is missing`);
    });
    this.summary.likes = likes.length;
    this.summary.comments = [...this.ledger.comments.values()].filter((fact) => fact.state === 'holds').length;
  }

  /** followersCount and followingCount of every person against the simulation, and the follower rows. */
  private async followCounters(): Promise<void> {
    const follows = this.ledger.holding(this.ledger.follows);
    await eachLimited([...this.byUser.values()], 8, async (person) => {
      const id = person.userId;
      const user = await person.client.request<UserView>('check GET /users/{userId}', `/users/${id}`);
      if (user?.status !== 200) return this.fail(`user ${id}: GET answered ${user?.status ?? 'nothing'}`);
      const followers = new Set(follows.filter(([, target]) => target === id).map(([actor]) => actor));
      const following = follows.filter(([actor]) => actor === id).length;
      const known = this.ledger.allKnown(this.ledger.follows, id);
      if (known && user.data.followersCount !== followers.size)
        this.fail(`user ${id}: followersCount ${user.data.followersCount}, the simulation left ${followers.size}`);
      const followingKnown = [...this.ledger.follows].every(
        ([key, state]) => state !== 'unknown' || !key.startsWith(`${id} `),
      );
      if (followingKnown && user.data.followingCount !== following)
        this.fail(`user ${id}: followingCount ${user.data.followingCount}, the simulation left ${following}`);
      const rows = await allPages<{ userId: string }>(
        person.client,
        'check GET /users/{userId}/followers',
        `/users/${id}/followers`,
        'users',
      );
      if (!rows) return this.fail(`user ${id}: followers could not be listed`);
      if (rows.length !== user.data.followersCount)
        this.fail(`user ${id}: followersCount ${user.data.followersCount}, ${rows.length} followers listed`);
      for (const actor of followers)
        if (!rows.some((row) => row.userId === actor)) this.fail(`user ${id}: follower ${actor} (2xx) is missing`);
    });
    this.summary.follows = follows.length;
  }

  /** Every like, comment and follow that still holds, on someone else, pushed to that person's socket. */
  private async notificationsDelivered(): Promise<void> {
    const expected: { recipient: Person; check: () => boolean; what: string }[] = [];
    const expect = (recipientId: string, what: string, check: (person: Person) => boolean) => {
      const recipient = this.byUser.get(recipientId);
      if (recipient) expected.push({ recipient, what, check: () => check(recipient) });
    };
    const authorOf = (postId: string) => this.ledger.uploads.get(postId) ?? this.ledger.seenPosts.get(postId) ?? '';
    for (const [actor, postId] of this.ledger.holding(this.ledger.likes))
      if (authorOf(postId) !== actor)
        expect(authorOf(postId), `like by ${actor} on ${postId}`, (p) => p.socket.got('like', actor, postId));
    for (const [commentId, fact] of this.ledger.comments)
      if (fact.state === 'holds' && fact.postAuthorId !== fact.authorId)
        expect(fact.postAuthorId, `comment ${commentId}`, (p) =>
          p.socket.got('comment', fact.authorId, fact.postId, commentId),
        );
    for (const [actor, target] of this.ledger.holding(this.ledger.follows))
      expect(target, `follow by ${actor}`, (p) => p.socket.got('follow', actor));
    const deadline = performance.now() + this.options.deliverySeconds * 1000;
    let missing = expected.filter((item) => !item.check());
    while (missing.length && performance.now() < deadline) {
      await sleep(500);
      missing = missing.filter((item) => !item.check());
    }
    for (const item of missing)
      this.fail(`notification never reached ${item.recipient.username}'s socket: ${item.what}`);
    this.summary['notifications expected'] = expected.length;
    this.summary['notifications pushed'] = [...this.byUser.values()].reduce((n, p) => n + p.socket.received.length, 0);
  }

  private socketsStayedOpen(): void {
    for (const person of this.byUser.values())
      if (person.socket.unexpectedClose) this.fail(`${person.username}'s socket ${person.socket.unexpectedClose}`);
  }
}
