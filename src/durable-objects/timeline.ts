/**
 * One user's home timeline: the ids of recent posts by the accounts they follow (and their own),
 * newest first, capped. Filled on write by the fan-out; read a page at a time. It holds only ids
 * and positions: Postgres stays the system of record, and the timeline can always be rebuilt
 * from it (`replaceAll`), which is what happens when it is empty.
 */
import { DurableObject } from 'cloudflare:workers';

export interface TimelineEntry {
  postId: string;
  authorId: string;
  /** The post's created_at as Postgres text, exact to the microsecond. */
  t: string;
}

export const timelineCapacity = 1000;

export class Timeline extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      create table if not exists entries (post_id text primary key, author_id text not null, t text not null);
      create index if not exists entries_by_time on entries (t desc, post_id desc);
      create index if not exists entries_by_author on entries (author_id);
      create table if not exists meta (key text primary key, value text not null);
    `);
  }

  /**
   * A page of entries and whether this timeline has ever been built from Postgres: an empty,
   * unbuilt timeline may simply be new (or lost) and must be rebuilt before it is trusted.
   */
  read(before: { t: string; id: string } | null, limit: number): { built: boolean; entries: TimelineEntry[] } {
    const built = this.sql.exec(`select 1 from meta where key = 'built'`).toArray().length > 0;
    return { built, entries: this.page(before, limit) };
  }

  /** Adds entries (repeats are ignored) and keeps only the newest `timelineCapacity`. */
  add(entries: TimelineEntry[]): void {
    this.ctx.storage.transactionSync(() => {
      for (const e of entries) {
        this.sql.exec(
          'insert or ignore into entries (post_id, author_id, t) values (?, ?, ?)',
          e.postId,
          e.authorId,
          e.t,
        );
      }
      this.trim();
    });
  }

  /** Rebuilds from the given entries (read from Postgres) and marks the timeline built. */
  replaceAll(entries: TimelineEntry[]): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('delete from entries');
      for (const e of entries) {
        this.sql.exec(
          'insert or ignore into entries (post_id, author_id, t) values (?, ?, ?)',
          e.postId,
          e.authorId,
          e.t,
        );
      }
      this.trim();
      this.sql.exec(`insert or replace into meta (key, value) values ('built', ?)`, new Date().toISOString());
    });
  }

  removeAuthor(authorId: string): void {
    this.sql.exec('delete from entries where author_id = ?', authorId);
  }

  removePosts(postIds: string[]): void {
    for (const id of postIds) this.sql.exec('delete from entries where post_id = ?', id);
  }

  /** Entries strictly older than `before` (by time, then id), newest first. */
  private page(before: { t: string; id: string } | null, limit: number): TimelineEntry[] {
    const rows = before
      ? this.sql.exec<Record<string, string>>(
          `select post_id, author_id, t from entries where (t < ?) or (t = ? and post_id < ?)
           order by t desc, post_id desc limit ?`,
          before.t,
          before.t,
          before.id,
          limit,
        )
      : this.sql.exec<Record<string, string>>(
          'select post_id, author_id, t from entries order by t desc, post_id desc limit ?',
          limit,
        );
    return rows.toArray().map((r) => ({ postId: String(r.post_id), authorId: String(r.author_id), t: String(r.t) }));
  }

  /** Account erasure: everything this object stored goes, so nothing of the account outlives it. */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  size(): number {
    return Number(this.sql.exec<{ n: number }>('select count(*) as n from entries').one().n);
  }

  private trim(): void {
    this.sql.exec(
      `delete from entries where post_id in (select post_id from entries order by t desc, post_id desc limit -1 offset ?)`,
      timelineCapacity,
    );
  }
}
