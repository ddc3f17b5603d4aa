/**
 * Where watches live across restarts, worker respawns and replicas: a small
 * interface in the manner of Fedify's KvStore, with one SQL implementation
 * (sql-watch-store.ts) over SQLite in STATE_DIR or a shared PostgreSQL.
 */
import type { Visibility } from '../fediverse/reply-visibility.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import type { WatchProgress } from './watch-rules.ts';

/** A reply a watch is about to post: written before the post and cleared after it, so that a crash between posts it once. */
export interface PendingPost {
  /** The Idempotency-Key: the watch and the change, so that the same change is the same post. */
  readonly key: string;
  readonly lines: readonly ReplyLine[];
  /** The watch ends once this is posted (its lifetime is over): why. */
  readonly ends?: string;
}

export interface NewWatch {
  /** The id of the status that asked for the watch: the watch's thread, and its identity. */
  readonly id: string;
  /** The asker's acct, lower case. */
  readonly asker: string;
  /** How replies mention the asker (`@alice@example.social`). */
  readonly mention: string;
  /** The watched question as asked, without `watch`. */
  readonly question: string;
  /** The question as read (parse once): the same key, the same question, for `unwatch QUESTION`. */
  readonly questionKey: string;
  readonly kind: 'dns' | 'bgp';
  /** The visibility of every reply of the watch: the question's, capped. */
  readonly visibility: Visibility;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly nextCheckAt: number;
  readonly progress: WatchProgress;
}

export interface WatchRecord extends NewWatch {
  readonly pending?: PendingPost;
  readonly endedAt?: number;
  readonly endReason?: string;
}

export type AddResult = 'added' | 'exists' | 'asker-limit' | 'total-limit';

/** What one check writes back; the lease is released with it. */
export interface CheckResult {
  readonly progress: WatchProgress;
  readonly nextCheckAt: number;
  /** A reply to post before anything else happens to the watch. */
  readonly pending?: PendingPost;
}

export interface WatchStore {
  /** Adds a watch unless the asker has `perAsker` running or all have `total`; `exists` when its id is known (a retried mention). */
  add(watch: NewWatch, limits: { readonly perAsker: number; readonly total: number }): Promise<AddResult>;
  get(id: string): Promise<WatchRecord | undefined>;
  /** The asker's watches that run, oldest first. */
  running(asker: string): Promise<WatchRecord[]>;
  /** How many watches run, of all askers. */
  countRunning(): Promise<number>;
  /** The running watch whose thread holds this status (its question or a reply of the bot's), if any. */
  watchOfPost(statusId: string): Promise<WatchRecord | undefined>;
  /**
   * Leases up to `limit` running watches due by `nowMs` (a pending post is due from when it is written), oldest first, to `owner`
   * for `leaseMs`: no other owner gets them until the lease is released or runs out (a dead replica's).
   */
  claimDue(owner: string, nowMs: number, leaseMs: number, limit: number): Promise<WatchRecord[]>;
  /**
   * Writes a check's outcome; false when `owner` no longer holds the lease (it ran out, or the watch ended).
   * The lease is released, unless a pending post was written: then it is renewed for `leaseMs`, for the post.
   */
  saveCheck(id: string, owner: string, result: CheckResult, nowMs: number, leaseMs: number): Promise<boolean>;
  /**
   * The pending post `key` is in the thread as `statusId` (undefined: the server refused it for good): clears it,
   * ends the watch when it said so, and releases the lease.
   */
  posted(id: string, key: string, statusId: string | undefined, nowMs: number): Promise<void>;
  /** The bot's replies in the watch's thread, for servers that ignore Idempotency-Key. */
  postsOf(id: string): Promise<string[]>;
  /** Remembers a reply of the bot's in the watch's thread, for `unwatch` sent as a reply to it. */
  addPost(id: string, statusId: string): Promise<void>;
  end(id: string, reason: string, nowMs: number): Promise<void>;
  /** Makes every running BGP watch due within `spreadMs` of `nowMs`, spread over it (the table or the VRPs were reloaded). */
  bgpDueSoon(nowMs: number, spreadMs: number): Promise<void>;
  /** Deletes the watches that ended before `endedBeforeMs`, with their posts. */
  forgetEnded(endedBeforeMs: number): Promise<void>;
  close(): Promise<void>;
}
