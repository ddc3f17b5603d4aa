/**
 * The Fediverse interface over Misskey's own API, for Misskey and the forks
 * that have no Mastodon API (or when FEDIVERSE_API=misskey): every endpoint a
 * POST of JSON with the token as `i`, through misskey-js's APIClient and its
 * types, the mentions from i/notifications and the main channel of the
 * streaming API, replies with notes/create. See docs/servers.md, Misskey.
 */
import * as mfm from 'mfm-js';
import { api, type Endpoints } from 'misskey-js';
import type { Account, Fediverse, MentionNotification, Reply, StreamHandlers } from '../fediverse.ts';
import { TransientServerError } from '../errors.ts';
import { misskeyInstanceFacts, type InstanceFacts } from '../instance-facts.ts';
import { fetchNodeinfo } from '../nodeinfo.ts';
import type { ReplyMarkup } from '../../reply/markup.ts';
import { errorOfResponse, type RequestContext } from './api-errors.ts';
import { followMainChannel } from './main-stream.ts';
import { MISSKEY_VISIBILITY, MisskeyAccounts, mentionsOf, QUESTION_TYPES } from './notes.ts';
import { errorMessage } from '../../ops/error-fields.ts';

export interface MisskeyClientOptions {
  readonly url: string;
  readonly token: string;
  /** A stream silent (no event, no pong) for this long is dead and is closed. */
  readonly streamSilenceMs: number;
  /** REPLY_MARKUP: how replies are written; `auto` is MFM, which every Misskey reads. */
  readonly markup?: ReplyMarkup | 'auto';
}

const REQUEST_TIMEOUT_MS = 30_000;
/** notes/replies and i/notifications take at most 100 a page. */
const MAX_PAGE = 100;

export class MisskeyClient implements Fediverse {
  private readonly origin: string;
  private readonly accounts: MisskeyAccounts;
  private facts: InstanceFacts | undefined;
  /** The ids of the accounts direct replies are addressed to, by acct: an account's id does not change. */
  private readonly idsByAcct = new Map<string, string>();

  constructor(private readonly options: MisskeyClientOptions) {
    this.origin = new URL(options.url).origin;
    this.accounts = new MisskeyAccounts(this.origin);
  }

  /** One request, its failure sorted into the bot's error classes by what it was about. */
  private request<E extends keyof Endpoints & string, P extends Endpoints[E]['req']>(
    endpoint: E,
    params: P,
    context: RequestContext = {},
  ): Promise<api.SwitchCaseResponseType<E, P>> {
    const client = new api.APIClient({
      origin: this.origin,
      credential: this.options.token,
      fetch: async (input, init) => {
        const response = await fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch((error: unknown) => {
          throw new TransientServerError(errorMessage(error), undefined, { cause: error });
        });
        if (response.status >= 200 && response.status < 300) return response;
        throw await errorOfResponse(response, context);
      },
    });
    return (client.request as (endpoint: E, params: P) => Promise<api.SwitchCaseResponseType<E, P>>)(endpoint, params).catch((error: unknown) => {
      // What misskey-js itself throws (a body that is no JSON) is the server's failure, worth trying again.
      if (error instanceof Error && !(error instanceof SyntaxError)) throw error;
      throw new TransientServerError(`unreadable answer from ${endpoint}: ${String(error)}`, undefined, { cause: error });
    });
  }

  async verifyCredentials(): Promise<Account> {
    return this.accounts.account(await this.request('i', {}));
  }

  /** Asked once: the length limit and the software do not change while the bot runs. */
  async instance(): Promise<InstanceFacts> {
    if (!this.facts) {
      const [meta, nodeinfo] = await Promise.all([this.request('meta', { detail: false }), fetchNodeinfo(this.origin)]);
      this.facts = misskeyInstanceFacts({ meta, nodeinfo, streamingUrl: new URL('/streaming', this.origin).href }, this.options.markup);
    }
    return this.facts;
  }

  /**
   * i/notifications of the two types that carry a question, newest first,
   * below `before` (untilId). Misskey filters the types after reading a page of
   * `limit` from its Redis stream: a page may be shorter than asked while more
   * follow, and only an empty page is the end (NotificationService#getNotifications
   * reads on until one matches).
   */
  async mentions(page: { before?: string }, limit: number): Promise<MentionNotification[]> {
    const notifications = await this.request('i/notifications', {
      limit: Math.min(limit, MAX_PAGE),
      untilId: page.before,
      includeTypes: [...QUESTION_TYPES],
      markAsRead: false,
    });
    return notifications.map((notification) => this.accounts.notification(notification));
  }

  /**
   * notes/create with replyId. A direct reply is `specified`, and Misskey lists
   * a specified note's readers by id (visibleUserIds), where Mastodon lets the
   * mentions be the readers: the readers are the accounts the text mentions, as
   * MFM reads them (the asker's mention in front; the data is in `<plain>`).
   * Misskey adds the author of the note replied to itself.
   */
  async postReply(reply: Reply): Promise<{ id: string }> {
    const visibility = MISSKEY_VISIBILITY[reply.visibility];
    const visibleUserIds = visibility === 'specified' ? await this.readersOf(reply.text) : undefined;
    const { createdNote } = await this.request(
      'notes/create',
      { text: reply.text, replyId: reply.inReplyToId, visibility, visibleUserIds },
      { noteId: reply.inReplyToId, posting: true },
    );
    return { id: createdNote.id };
  }

  private async readersOf(text: string): Promise<string[]> {
    const ids: string[] = [];
    for (const { username, host } of mentionsOf(mfm.parse(text))) {
      const acct = this.accounts.acctOf(username, host);
      let id = this.idsByAcct.get(acct);
      if (id === undefined) {
        const user = await this.request('users/show', { username, host: acct.includes('@') ? host : null });
        id = user.id;
        this.idsByAcct.set(acct, id);
      }
      ids.push(id);
    }
    return ids;
  }

  /** notes/replies pages through the direct replies to the note, newest first, until one is by `accountId` and not in `except`. */
  async findReply(statusId: string, accountId: string, except?: ReadonlySet<string>): Promise<{ id: string } | undefined> {
    for (let untilId: string | undefined; ; ) {
      const replies = await this.request('notes/replies', { noteId: statusId, limit: MAX_PAGE, untilId }, { noteId: statusId });
      const mine = replies.find((note) => note.userId === accountId && !except?.has(note.id));
      if (mine) return { id: mine.id };
      if (replies.length < MAX_PAGE) return undefined;
      untilId = replies.at(-1)!.id;
    }
  }

  streamNotifications(handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
    return followMainChannel(
      { origin: this.origin, token: this.options.token, silenceMs: this.options.streamSilenceMs },
      {
        onOpen: handlers.onOpen,
        onAlive: handlers.onAlive,
        onNotification: (notification) => {
          if ((QUESTION_TYPES as readonly string[]).includes(notification.type)) handlers.onNotification(this.accounts.notification(notification));
        },
      },
      signal,
    );
  }
}
