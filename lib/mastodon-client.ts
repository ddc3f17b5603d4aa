import { createRestAPIClient, createStreamingAPIClient, MastoHttpError, type mastodon } from 'masto';
import WebSocket from 'ws';
import type { Account, Fediverse, InstanceFacts, MentionNotification, MentionStatus, Reply, StreamHandlers } from './fediverse.ts';
import { RateLimitedError, RequestRejectedError, TransientServerError } from './fediverse-errors.ts';

export interface MastodonClientOptions {
  readonly url: string;
  readonly token: string;
  /** A stream silent (no event, no ping) for this long is dead and is closed. */
  readonly streamSilenceMs: number;
}

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

  private fetchInstance(): Promise<InstanceFacts> {
    return call(async () => {
      try {
        const instance = await this.rest.v2.instance.fetch();
        return { maxCharacters: instance.configuration.statuses.maxCharacters, streamingUrl: instance.configuration.urls.streaming || undefined };
      } catch (error) {
        // Servers without /api/v2/instance (older Pleroma, GoToSocial) still have v1.
        if (!(error instanceof MastoHttpError && error.statusCode === 404)) throw error;
        const v1 = (await this.rest.v1.instance.fetch()) as unknown as { configuration?: { statuses?: { maxCharacters?: number } }; maxTootChars?: number; urls?: { streamingApi?: string } };
        return { maxCharacters: v1.configuration?.statuses?.maxCharacters ?? v1.maxTootChars ?? 500, streamingUrl: v1.urls?.streamingApi || undefined };
      }
    });
  }

  mentions(page: { after?: string; before?: string }, limit: number): Promise<MentionNotification[]> {
    return call(async () => {
      const list = await this.rest.v1.notifications.list({ types: ['mention'], minId: page.after, maxId: page.before, limit });
      return list.map(toNotification);
    });
  }

  postReply(reply: Reply): Promise<{ id: string }> {
    return call(async () => {
      const status = await this.rest.v1.statuses.create(
        // content_type keeps Pleroma and Akkoma from reading the text as Markdown or HTML; Mastodon ignores it.
        { status: reply.text, inReplyToId: reply.inReplyToId, visibility: reply.visibility, contentType: 'text/plain' } as never,
        { requestInit: { headers: { 'Idempotency-Key': reply.idempotencyKey } } },
      );
      return { id: status.id };
    });
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
    const streaming = createStreamingAPIClient({ streamingApiUrl: streamingUrl, accessToken: this.options.token, implementation: WatchedWebSocket, retry: false });
    const close = () => {
      finished = true;
      streaming.close();
      for (const socket of sockets) socket.terminate();
    };
    const watchdog = setInterval(() => {
      if (Date.now() - lastAlive > this.options.streamSilenceMs) close();
    }, Math.min(1000, this.options.streamSilenceMs / 4));
    signal.addEventListener('abort', close);
    const consume = (async () => {
      for await (const event of streaming.user.notification.subscribe()) {
        if (event.event === 'notification') handlers.onNotification(toNotification(event.payload));
      }
    })();
    try {
      await Promise.race([consume, closed]);
    } catch (error) {
      if (!signal.aborted) throw new TransientServerError(`stream failed: ${(error as Error).message}`);
    } finally {
      clearInterval(watchdog);
      signal.removeEventListener('abort', close);
      close();
      consume.catch(() => {});
    }
    if (!signal.aborted) throw new TransientServerError(`stream closed after ${Math.round((Date.now() - lastAlive) / 1000)} s of silence or a drop`);
  }
}

/** masto's errors, sorted by what the bot should do about them. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof MastoHttpError) {
      if (error.statusCode === 429) throw new RateLimitedError(resetOf(error));
      if (error.statusCode >= 500) throw new TransientServerError(`${error.statusCode}: ${error.message}`);
      throw new RequestRejectedError(error.statusCode, error.message);
    }
    // Network errors, timeouts, and a proxy's HTML error page, which masto cannot parse.
    throw new TransientServerError((error as Error)?.message ?? String(error));
  }
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
  return { id: notification.id, type: notification.type, status: status ? toStatus(status) : undefined };
}

function toStatus(status: mastodon.v1.Status): MentionStatus {
  return {
    id: status.id,
    visibility: status.visibility,
    content: status.content,
    account: toAccount(status.account),
    inReplyToId: status.inReplyToId ?? undefined,
    inReplyToAccountId: status.inReplyToAccountId ?? undefined,
    mentions: status.mentions.map((m) => ({ id: m.id, acct: m.acct, url: m.url })),
    createdAt: status.createdAt,
  };
}
