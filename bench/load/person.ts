/**
 * One simulated person: signs up from an address of their own, opens their notification stream,
 * then does one thing at a time (mix.ts picks what) with a pause to look at the screen between
 * two, until the run ends. Every answer updates the ledger, which the end checks compare with
 * what the API says.
 */
import { randomUUID } from 'node:crypto';
import { Client, type Answer } from './client.ts';
import { Ledger, type FactState, type PersonRecord } from './ledger.ts';
import { LiveSocket } from './live-socket.ts';
import type { Stats } from './stats.ts';

export const words = ['sunset', 'beach', 'mountain', 'city', 'forest', 'coffee', 'street', 'river', 'snow', 'market'];

interface FeedPage {
  posts: { postId: string; userId: string }[];
}

export const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/** A fact's state after an answer: what the person meant, if the API said yes; unknown if it never said. */
function stateAfter(answer: Answer<unknown> | null, meant: FactState, before: FactState | undefined): FactState {
  if (!answer || answer.status >= 500) return 'unknown';
  if (answer.status === 429) return before ?? 'undone';
  return answer.status < 300 ? meant : 'unknown';
}

export class Person {
  readonly socket = new LiveSocket();
  record: PersonRecord | undefined;
  private readonly email: string;
  private readonly password = `load-test-password-${randomUUID()}`;

  constructor(
    readonly client: Client,
    private readonly api: string,
    private readonly ledger: Ledger,
    private readonly stats: Stats,
    private readonly photos: Buffer[],
    readonly index: number,
    run: string,
  ) {
    this.username = `load_${run}_${index}`;
    this.email = `${this.username}@load.test`;
  }

  readonly username: string;

  get userId(): string {
    return this.record?.userId ?? '';
  }

  /** Registers and opens the stream; false when either failed (already counted as a problem). */
  async arrive(): Promise<boolean> {
    const answer = await this.client.request<{ userId: string; accessToken: string }>(
      'POST /auth/register',
      '/auth/register',
      { json: { username: this.username, email: this.email, password: this.password, fullName: `Load ${this.index}` } },
    );
    if (answer?.status !== 201) return false;
    this.client.token = answer.data.accessToken;
    this.record = { index: this.index, userId: answer.data.userId, username: this.username };
    this.ledger.people.push(this.record);
    try {
      await this.socket.open(this.api, answer.data.accessToken);
    } catch (error) {
      this.stats.problem({ route: 'WS /notifications/stream', status: 'network', detail: String(error) });
      return false;
    }
    return true;
  }

  /** Signs in again (a new device, an expired session): a fresh token; the open stream stays. */
  async signInAgain(): Promise<void> {
    const answer = await this.client.request<{ accessToken: string }>('POST /auth/login', '/auth/login', {
      json: { email: this.email, password: this.password },
    });
    if (answer?.status === 200) this.client.token = answer.data.accessToken;
  }

  async upload(): Promise<void> {
    const photo = pick(this.photos);
    if (!photo) return;
    const [word, tag] = [pick(words), pick(words)];
    const form = new FormData();
    form.append('image', new File([new Uint8Array(photo)], 'photo.jpg', { type: 'image/jpeg' }));
    form.append('caption', `A ${word} afternoon #${tag}`);
    form.append('tags', JSON.stringify([word]));
    const answer = await this.client.request<{ postId: string }>('POST /images/upload', '/images/upload', {
      form,
      headers: { 'Idempotency-Key': randomUUID() },
    });
    if (answer?.status === 202) this.ledger.uploads.set(answer.data.postId, this.userId);
  }

  async readFeed(): Promise<void> {
    this.see(await this.client.request<FeedPage>('GET /feed', '/feed?limit=20'));
  }

  async explore(): Promise<void> {
    this.see(await this.client.request<FeedPage>('GET /explore', '/explore?limit=20'));
  }

  async searchPosts(): Promise<void> {
    const q = pick(words) ?? 'sunset';
    this.see(await this.client.request<FeedPage>('GET /search/posts', `/search/posts?q=${q}&limit=20`));
  }

  async searchUsers(): Promise<void> {
    const someone = pick(this.ledger.people);
    if (!someone) return;
    const q = someone.username.slice(-6);
    await this.client.request('GET /search/users', `/search/users?q=${encodeURIComponent(q)}`);
  }

  async openPost(): Promise<void> {
    const postId = pick([...this.ledger.seenPosts.keys()]);
    if (!postId) return this.explore();
    await this.client.request('GET /images/{postId}', `/images/${postId}`);
    await this.client.request('GET /posts/{postId}/comments', `/posts/${postId}/comments?limit=20`);
  }

  async openProfile(): Promise<void> {
    const someone = pick(this.ledger.people);
    if (!someone) return;
    await this.client.request('GET /users/{userId}', `/users/${someone.userId}`);
    await this.client.request('GET /users/{userId}/posts', `/users/${someone.userId}/posts?limit=20`);
  }

  async readNotifications(): Promise<void> {
    await this.client.request('GET /notifications', '/notifications?limit=20');
  }

  async like(): Promise<void> {
    const postId = pick([...this.ledger.seenPosts.keys()].filter((id) => !this.holds(this.ledger.likes, id)));
    if (postId) await this.setLike(postId, 'holds');
  }

  async unlike(): Promise<void> {
    const postId = pick(this.ledger.holding(this.ledger.likes).filter(([actor]) => actor === this.userId))?.[1];
    if (postId) await this.setLike(postId, 'undone');
  }

  async follow(): Promise<void> {
    const target = pick(
      this.ledger.people.filter((p) => p.userId !== this.userId && !this.holds(this.ledger.follows, p.userId)),
    );
    if (target) await this.setFollow(target.userId, 'holds');
  }

  async unfollow(): Promise<void> {
    const target = pick(this.ledger.holding(this.ledger.follows).filter(([actor]) => actor === this.userId))?.[1];
    if (target) await this.setFollow(target, 'undone');
  }

  async comment(): Promise<void> {
    const postId = pick([...this.ledger.seenPosts.keys()]);
    const postAuthorId = postId && this.ledger.seenPosts.get(postId);
    if (!postId || !postAuthorId) return;
    const answer = await this.client.request<{ commentId: string }>(
      'POST /posts/{postId}/comments',
      `/posts/${postId}/comments`,
      { json: { content: `Lovely ${pick(words) ?? ''} (${this.username})` } },
    );
    if (answer?.status === 201) {
      this.ledger.comments.set(answer.data.commentId, { postId, authorId: this.userId, postAuthorId, state: 'holds' });
    }
  }

  async deleteComment(): Promise<void> {
    const mine = [...this.ledger.comments.entries()].filter(
      ([, fact]) => fact.authorId === this.userId && fact.state === 'holds',
    );
    const [commentId, fact] = pick(mine) ?? [];
    if (!commentId || !fact) return;
    const answer = await this.client.request(
      'DELETE /posts/{postId}/comments/{commentId}',
      `/posts/${fact.postId}/comments/${commentId}`,
      { method: 'DELETE' },
    );
    fact.state = stateAfter(answer, 'undone', fact.state);
  }

  private async setLike(postId: string, meant: FactState): Promise<void> {
    const key = Ledger.key(this.userId, postId);
    const route = meant === 'holds' ? 'POST /posts/{postId}/like' : 'DELETE /posts/{postId}/like';
    const answer = await this.client.request(route, `/posts/${postId}/like`, {
      method: meant === 'holds' ? 'POST' : 'DELETE',
    });
    this.ledger.likes.set(key, stateAfter(answer, meant, this.ledger.likes.get(key)));
  }

  private async setFollow(targetId: string, meant: FactState): Promise<void> {
    const key = Ledger.key(this.userId, targetId);
    const route = meant === 'holds' ? 'POST /users/{userId}/follow' : 'DELETE /users/{userId}/follow';
    const answer = await this.client.request(route, `/users/${targetId}/follow`, {
      method: meant === 'holds' ? 'POST' : 'DELETE',
    });
    this.ledger.follows.set(key, stateAfter(answer, meant, this.ledger.follows.get(key)));
  }

  private holds(facts: Map<string, FactState>, object: string): boolean {
    return facts.get(Ledger.key(this.userId, object)) === 'holds';
  }

  private see(answer: Answer<FeedPage> | null): void {
    if (answer?.status !== 200) return;
    for (const post of answer.data.posts) this.ledger.seenPosts.set(post.postId, post.userId);
  }
}
