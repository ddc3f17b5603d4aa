import { createRestAPIClient, createStreamingAPIClient, MastoHttpError, type mastodon } from 'masto';
import WebSocket from 'ws';
import type { Account, Fediverse, MentionNotification, MentionStatus, Reply, StreamHandlers } from './fediverse.ts';
import { AuthError, PostTooLongError, RateLimitedError, RequestRejectedError, StatusGoneError, StreamClosedError, TransientServerError } from './errors.ts';
import { readInstanceFacts, type InstanceFacts } from './instance-facts.ts';
import { fetchNodeinfo } from './nodeinfo.ts';
import { markupWriter, type ReplyMarkup } from '../reply/markup.ts';
import { errorMessage } from '../ops/error-fields.ts';

export interface MastodonClientOptions {
  readonly url: string;
  readonly token: string;
  /** A stream silent (no event, no ping) for this long is dead and is closed. */
  readonly streamSilenceMs: number;
  /** REPLY_MARKUP: how replies are written; `auto` decides from the server's software. */
  readonly markup?: ReplyMarkup | 'auto';
}

/** How each server words "too long": Mastodon's validator, Akkoma's, GoToSocial's and Sharkey's. */
const TOO_LONG = /character|too long|max chars|MAX_LENGTH/i;

/** The Fediverse interface over masto.js, for Mastodon and the servers that speak its API. */
export class MastodonClient implements Fediverse {
  private readonly rest: mastodon.rest.Client;
  private facts: InstanceFacts | undefined;

  constructor(private readonly options: MastodonClientOptions) {
    this.rest = createRestAPIClient({ url: options.url, accessToken: options.token, timeout: 30_000 });
  }

  verifyCredentials(): Promise<Account> {
    return call(async () => toAccount(await this.rest.v1.accounts.verifyCredentials()));
  }

  /** Asked once: every stream (re)connection needs the streaming URL, which does not change while the bot runs. */
  async instance(): Promise<InstanceFacts> {
    this.facts ??= await this.fetchInstance();
    return this.facts;
  }

  /**
   * Both instance endpoints and nodeinfo, each optional: servers implement
   * some of them, in their own shapes (see instance-facts). Only a network
   * error, a 5xx or a 429 is worth retrying; a 4xx means "not here".
   */
  private async fetchInstance(): Promise<InstanceFacts> {
    const [v2, v1, nodeinfo] = await Promise.all([
      optional(() => this.rest.v2.instance.fetch()),
      optional(() => this.rest.v1.instance.fetch()),
      fetchNodeinfo(this.options.url),
    ]);
    if (v2 === undefined && v1 === undefined)
      throw new RequestRejectedError(404, 'neither /api/v2/instance nor /api/v1/instance answers: is this a Mastodon-compatible server?');
    return readInstanceFacts({ v2, v1, nodeinfo }, this.options.markup);
  }

  mentions(page: { before?: string }, limit: number): Promise<MentionNotification[]> {
    return call(async () => {
      // Akkoma reads include_types[] where Mastodon reads types[]; the responder skips any other type that comes anyway.
      const list = await this.rest.v1.notifications.list({ types: ['mention'], includeTypes: ['mention'], maxId: page.before, limit } as never);
      return list.map(toNotification);
    });
  }

  postReply(reply: Reply): Promise<{ id: string }> {
    return call(
      async () => {
        const status = await this.rest.v1.statuses.create(
          // content_type keeps Pleroma, Akkoma and GoToSocial from reading plain text as Markdown or HTML; Mastodon ignores it.
          { status: reply.text, inReplyToId: reply.inReplyToId, visibility: reply.visibility, contentType: markupWriter(reply.markup).contentType } as never,
          { requestInit: { headers: { 'Idempotency-Key': reply.idempotencyKey } } },
        );
        return { id: status.id };
      },
      { statusId: reply.inReplyToId, posting: true },
    );
  }

  findReply(statusId: string, accountId: string, except?: ReadonlySet<string>): Promise<{ id: string } | undefined> {
    return call(
      async () => {
        const { descendants } = await this.rest.v1.statuses.$select(statusId).context.fetch();
        const reply = descendants.find((status) => status.inReplyToId === statusId && status.account.id === accountId && !except?.has(status.id));
        return reply ? { id: reply.id } : undefined;
      },
      { statusId },
    );
  }

  async streamNotifications(handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
    const { streamingUrl } = await this.instance();
    if (!streamingUrl) throw new TransientServerError('the instance has no streaming API');
    const sockets: WebSocket[] = [];
    let lastAlive = Date.now();
    let finished = false;
    const alive = () => {
      lastAlive = Date.now();
      handlers.onAlive();
    };
    // masto reconnects on its own, which would hide the gap from us: the first socket that closes ends this stream,
    // and the caller catches up with what the gap missed before it streams again.
    let socketClosed!: () => void;
    const closed = new Promise<void>((resolve) => (socketClosed = resolve));
    // A subclass of ws lets us see protocol pings, which the browser-style API masto uses hides.
    class WatchedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        // masto may still open a socket after it was told to close (mid-backoff); let it open and close it cleanly.
        if (finished) {
          this.once('open', () => this.close());
          return;
        }
        sockets.push(this);
        this.on('ping', alive);
        this.on('message', alive);
        this.on('close', () => socketClosed());
        this.on('open', () => {
          alive();
          handlers.onOpen();
        });
      }
    }
    const streaming = createStreamingAPIClient({
      streamingApiUrl: streamingUrl,
      accessToken: this.options.token,
      implementation: WatchedWebSocket,
      retry: false,
    });
    const close = () => {
      finished = true;
      streaming.close();
      for (const socket of sockets) socket.terminate();
    };
    const watchdog = setInterval(
      () => {
        if (Date.now() - lastAlive > this.options.streamSilenceMs) close();
      },
      Math.min(1000, this.options.streamSilenceMs / 4),
    );
    signal.addEventListener('abort', close);
    const consume = (async () => {
      // The `user` stream carries the notifications on every server; GoToSocial takes no subscribe message for
      // `user:notification` (only its query string can choose it) and would leave that stream silent but alive.
      for await (const event of streaming.user.subscribe()) {
        if (event.event === 'notification') handlers.onNotification(toNotification(event.payload));
      }
    })();
    try {
      await Promise.race([consume, closed]);
    } catch (error) {
      if (!signal.aborted) throw new TransientServerError(`stream failed: ${errorMessage(error)}`, undefined, { cause: error });
    } finally {
      clearInterval(watchdog);
      signal.removeEventListener('abort', close);
      close();
      consume.catch(() => {});
    }
    if (!signal.aborted) throw new StreamClosedError(Date.now() - lastAlive);
  }
}

/** A request whose 4xx answer means the server does not have it: undefined then. */
async function optional<T>(request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(request);
  } catch (error) {
    if (error instanceof RequestRejectedError || error instanceof AuthError) return undefined;
    throw error;
  }
}

/** What a request is about, so that its errors can say so. */
interface RequestContext {
  /** The status the request is about (the question answered): a 404 or 410 then means it is gone. */
  readonly statusId?: string;
  /** A post: a 400 or 422 that says "too long" is a PostTooLongError. */
  readonly posting?: boolean;
}

/** masto's errors, sorted by what the bot should do about them (see errors.ts). */
async function call<T>(request: () => Promise<T>, context: RequestContext = {}): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw errorOf(error, context);
  }
}

function errorOf(error: unknown, context: RequestContext): Error {
  const options = { cause: error };
  if (!(error instanceof MastoHttpError)) {
    // Network errors, timeouts, and a proxy's HTML error page, which masto cannot parse.
    return new TransientServerError(errorMessage(error), undefined, options);
  }
  const status = error.statusCode;
  if (status === 429) return new RateLimitedError(resetOf(error), options);
  if (status >= 500) return new TransientServerError(`${status}: ${error.message}`, status, options);
  if (status === 401 || status === 403) return new AuthError(status, error.message, options);
  if ((status === 404 || status === 410) && context.statusId !== undefined) return new StatusGoneError(context.statusId, status, error.message, options);
  if ((status === 400 || status === 422) && context.posting && TOO_LONG.test(error.message)) return new PostTooLongError(status, error.message, options);
  return new RequestRejectedError(status, error.message, options);
}

function resetOf(error: MastoHttpError): Date {
  const response = error.cause instanceof Response ? error.cause : undefined;
  const reset = Date.parse(response?.headers.get('x-ratelimit-reset') ?? '');
  return Number.isNaN(reset) ? new Date(Date.now() + 60_000) : new Date(reset);
}

function toAccount(account: mastodon.v1.Account): Account {
  return { id: account.id, acct: account.acct, url: account.url, bot: Boolean(account.bot) };
}

function toNotification(notification: mastodon.v1.Notification): MentionNotification {
  const status = 'status' in notification ? notification.status : undefined;
  return { id: notification.id, type: notification.type, createdAt: notification.createdAt || undefined, status: status ? toStatus(status) : undefined };
}

function toStatus(status: mastodon.v1.Status): MentionStatus {
  return {
    id: status.id,
    visibility: status.visibility,
    content: status.content,
    account: toAccount(status.account),
    inReplyToId: status.inReplyToId ?? undefined,
    inReplyToAccountId: status.inReplyToAccountId ?? undefined,
    mentions: status.mentions.map((m) => ({ acct: m.acct, url: m.url })),
    createdAt: status.createdAt,
  };
}
