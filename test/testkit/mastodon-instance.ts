/**
 * A Mastodon server for tests, on 127.0.0.1 with a random free port: the
 * REST and streaming APIs a bot uses, over real HTTP and WebSocket
 * sockets, answering as Mastodon does (see test/testkit/mastodon/ for each
 * part and the Mastodon code it follows), plus switches that make it
 * misbehave the way real servers and their proxies do.
 *
 *   const instance = await startMastodonInstance({ localDomain: 'dig.test' });
 *   const bot = instance.createAccount('bot');
 *   const alice = instance.createAccount('alice');
 *   instance.post(alice, { status: '@bot dig example.com' });
 */
import { OAuthApps } from './mastodon/oauth.ts';
import { createServer, type IncomingMessage, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { listen } from './listen.ts';
import { waitFor } from './wait-for.ts';
import { createAccount, testAccountOf, type AccountOptions, type LocalTestAccount, type RemoteTestAccount, type TestAccount } from './mastodon/accounts.ts';
import { favourite, follow, postStatus, type ActivityContext, type PostStatusParams } from './mastodon/activities.ts';
import { EntityRenderer, type NotificationJson, type SiteInfo, type StatusJson } from './mastodon/entities.ts';
import { FaultPlan, isRestApiPath, type FailureKind, type RequestPattern } from './mastodon/faults.ts';
import { flavourFacts, nodeinfo, type Flavour, type FlavourFacts } from './mastodon/flavours.ts';
import type { IdStyle } from './mastodon/ids.ts';
import { parseBody, railsParams, type Params } from './mastodon/params.ts';
import { RateLimiter, type RateLimitOptions } from './mastodon/rate-limit.ts';
import { errorResponse, jsonResponse, writeRawResponse, writeResponse, type PlainResponse } from './mastodon/responses.ts';
import { RestApi } from './mastodon/rest-api.ts';
import { Store, type AccountRecord } from './mastodon/store.ts';
import { StreamingHub } from './mastodon/streaming.ts';
import { WebSocketServer } from 'ws';

export type { TestAccount, LocalTestAccount, RemoteTestAccount, AccountOptions } from './mastodon/accounts.ts';
export type { PostStatusParams } from './mastodon/activities.ts';
export type { AccountJson, MentionJson, NotificationJson, StatusJson } from './mastodon/entities.ts';
export type { FailureKind, RequestPattern } from './mastodon/faults.ts';
export type { IdStyle } from './mastodon/ids.ts';
export { flavours, type Flavour } from './mastodon/flavours.ts';
export { ApiError } from './mastodon/api-error.ts';

export interface MastodonInstanceOptions {
  /**
   * Which server to behave as (test/testkit/mastodon/flavours.ts): IDs,
   * notification paging, instance and nodeinfo entities, streaming, the
   * formatting of posted text, length limits, Idempotency-Key, visibility
   * names and 429s. Default `mastodon`.
   */
  readonly flavour?: Flavour;
  /** The instance's domain (LOCAL_DOMAIN), e.g. `dig.test`; default `127.0.0.1:PORT`. */
  readonly localDomain?: string;
  /** `configuration.statuses.max_characters`; default 500 (or the flavour's). */
  readonly maxCharacters?: number;
  /** Hold posts to a stricter limit than `maxCharacters` advertises, as a server that counts differently does. */
  readonly enforcedMaxCharacters?: number;
  /** Default `numeric`, Mastodon's (or the flavour's); given, it applies to every kind of entity. */
  readonly idStyle?: IdStyle;
  /** First numeric ID; default 8, so that IDs grow from one digit to two at once. */
  readonly numericIdStart?: bigint;
  /** false: no streaming API, as on servers without one; default true (false for hollo and sharkey). */
  readonly streaming?: boolean;
  /** How often the streaming server pings each socket; default 30 000 ms, as Mastodon. */
  readonly pingIntervalMs?: number;
  /** How long a `subscribe` message takes to take effect (Mastodon's Redis subscription); default 0. */
  readonly subscribeDelayMs?: number;
  /** Default 300 requests per token in 5-minute windows, as Mastodon. */
  readonly rateLimit?: Partial<RateLimitOptions>;
}

export interface LoggedRequest {
  readonly at: Date;
  readonly method: string;
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly idempotencyKey: string | undefined;
  readonly websocket: boolean;
  /** The merged query and body parameters of a REST request. */
  params?: Params;
  status?: number;
  /** An exception the server met while answering (answered as 500). */
  error?: unknown;
}

export async function startMastodonInstance(options: MastodonInstanceOptions = {}): Promise<MastodonInstance> {
  const server = createServer();
  await listen(server, 0);
  return new MastodonInstance(server, options);
}

/** A `post()` author: an account, or the token of a local one. */
export type Author = TestAccount | string;

export class MastodonInstance {
  readonly flavour: Flavour;
  readonly url: string;
  readonly streamingUrl: string | undefined;
  readonly domain: string;
  readonly port: number;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #requests: LoggedRequest[] = [];
  readonly #store: Store;
  readonly #context: ActivityContext;
  readonly #renderer: EntityRenderer;
  readonly #rest: RestApi;
  readonly #hub: StreamingHub | undefined;
  readonly #facts: FlavourFacts;
  /** Sharkey's streaming server, which takes any WebSocket upgrade for Misskey's protocol. */
  readonly #misskeyStreaming: WebSocketServer | undefined;
  readonly #rateLimiter: RateLimiter;
  readonly #faults: FaultPlan;
  readonly #oauth = new OAuthApps();
  #listening = true;

  constructor(server: Server, options: MastodonInstanceOptions) {
    this.#server = server;
    this.port = (server.address() as { port: number }).port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.flavour = options.flavour ?? 'mastodon';
    const facts = flavourFacts(this.flavour);
    this.#facts = facts;
    const wsBase = `ws://127.0.0.1:${this.port}`;
    const mastodonStreaming = facts.streaming === 'mastodon' && options.streaming !== false;
    this.streamingUrl = mastodonStreaming ? wsBase : undefined;
    this.domain = options.localDomain?.toLowerCase() ?? `127.0.0.1:${this.port}`;
    const site: SiteInfo = {
      domain: this.domain,
      baseUrl: options.localDomain ? `https://${this.domain}` : this.url,
      apiUrl: this.url,
      streamingUrl: facts.streaming === 'mastodon' ? this.streamingUrl : options.streaming === false ? undefined : facts.advertisedStreamingUrl(wsBase),
      maxCharacters: options.maxCharacters ?? facts.maxCharacters,
      enforcedMaxCharacters: options.enforcedMaxCharacters,
      title: 'fedidig test instance',
      version: facts.software.version,
    };
    this.#store = new Store(options.idStyle ?? facts.ids, options.numericIdStart === undefined ? {} : { numericStart: options.numericIdStart });
    this.#context = { store: this.#store, site, facts };
    this.#renderer = new EntityRenderer(site, this.#store);
    this.#rest = new RestApi(this.#context, this.#renderer, this.#oauth);
    this.#rateLimiter = new RateLimiter({
      limit: 300,
      windowMs: 300_000,
      ...options.rateLimit,
      headers: facts.rateLimit.headers,
      throttled: facts.rateLimit.throttled,
    });
    this.#faults = new FaultPlan(facts.rateLimit.throttled);
    this.#hub = this.streamingUrl
      ? new StreamingHub(this.#store, this.#renderer, options.pingIntervalMs ?? 30_000, facts.subscribableStreams, options.subscribeDelayMs)
      : undefined;
    this.#misskeyStreaming = facts.streaming === 'misskey' && options.streaming !== false ? new WebSocketServer({ noServer: true }) : undefined;
    server.on('connection', (socket) => this.#track(socket));
    server.on('request', (request, response) => void this.#onRequest(request, response));
    server.on('upgrade', (request, socket, head) => this.#onUpgrade(request, socket, head));
  }

  createAccount(acct: `${string}@${string}`, options?: AccountOptions): RemoteTestAccount;
  createAccount(username: string, options?: AccountOptions): LocalTestAccount;
  createAccount(name: string, options: AccountOptions = {}): TestAccount {
    return testAccountOf(createAccount(this.#store, this.#context.site, name, options));
  }

  /** The consent page: `account` authorises the app `clientId`; returns the code the page shows. */
  authorizeApp(clientId: string, account: TestAccount): string {
    const record = this.#store.accountById(account.id);
    if (!record) throw new Error(`no account ${account.acct}`);
    return this.#oauth.authorize(clientId, record);
  }

  /**
   * Posts as `author` through the code path of `POST /api/v1/statuses`
   * (minus HTTP, rate limits and injected failures, which belong to the
   * client under test). A remote author's status arrives as if federated.
   * Throws an ApiError where the endpoint would answer 4xx.
   */
  post(author: Author, params: PostStatusParams, options: { idempotencyKey?: string } = {}): StatusJson {
    const account = this.#resolve(author);
    return this.#renderer.status(postStatus(this.#context, account, params, { idempotencyKey: options.idempotencyKey, asker: true }), account);
  }

  /** `account` favourites a status: its (local) author gets a `favourite` notification. */
  favourite(account: TestAccount, statusId: string): void {
    const status = this.#store.statusById(statusId);
    if (!status) throw new Error(`no status ${statusId}`);
    favourite(this.#context, this.#resolve(account), status);
  }

  /** `follower` follows `target`: a `follow` notification for a local target. */
  follow(follower: TestAccount, target: TestAccount): void {
    follow(this.#context, this.#resolve(follower), this.#resolve(target));
  }

  /** Every status of an account, oldest first, as its author sees it. */
  statusesBy(acct: string): StatusJson[] {
    const account = this.#accountByAcct(acct);
    return this.#store.statuses.filter((s) => s.account === account).map((s) => this.#renderer.status(s, account));
  }

  /** The direct replies to a status, oldest first, as their authors see them. */
  repliesTo(statusId: string): StatusJson[] {
    const status = this.#store.statusById(statusId);
    return status ? this.#store.replies(status).map((reply) => this.#renderer.status(reply, reply.account)) : [];
  }

  /** An account's notifications, newest first, as the API lists them. */
  notificationsFor(acct: string): NotificationJson[] {
    const account = this.#accountByAcct(acct);
    return this.#store
      .notificationsOf(account)
      .reverse()
      .map((notification) => this.#renderer.notification(notification));
  }

  /** Every HTTP request and WebSocket upgrade received, in order. */
  get requests(): readonly LoggedRequest[] {
    return this.#requests;
  }

  /** Open streaming connections, of one account (acct) or of all. */
  openStreams(acct?: string): number {
    return this.#hub?.openSockets(acct === undefined ? undefined : this.#accountByAcct(acct)) ?? 0;
  }

  /** The streaming channels an account is subscribed to, one entry per connection and channel. */
  streamSubscriptions(acct: string): string[] {
    return this.#hub?.subscriptions(this.#accountByAcct(acct)) ?? [];
  }

  /** Resolves with the predicate's first truthy value, checking every 10 ms; rejects after `timeoutMs`. */
  readonly waitFor = waitFor;

  /** Closes every streaming connection abruptly, without a closing handshake. */
  dropStreams(): void {
    this.#hub?.dropAll();
  }

  /**
   * false: the streaming connections open now go half-dead: no pings, no
   * pongs, no events, no reaction to messages, yet the TCP connection stays
   * up. Connections opened afterwards work. true: they all come back.
   */
  setPings(enabled: boolean): void {
    this.#hub?.setPings(enabled);
  }

  /** The next `count` requests matching `pattern` (default: any REST request) fail as `kind`. */
  failNext(count: number, kind: FailureKind, pattern?: RequestPattern): void {
    this.#faults.failNext(count, kind, pattern);
  }

  /** The next `count` REST requests get 429, with X-RateLimit-Reset `resetInMs` ahead. */
  rateLimitStorm(count: number, resetInMs = 1000): void {
    this.#faults.storm(count, resetInMs);
  }

  /** Closes the server and every connection, then listens on the same port again; the data stays. */
  async restart(options: { downtimeMs?: number } = {}): Promise<void> {
    await this.#stopListening();
    if (options.downtimeMs) await delay(options.downtimeMs);
    await listen(this.#server, this.port);
    this.#listening = true;
  }

  /** Frees the port and every socket. */
  async close(): Promise<void> {
    this.#hub?.close();
    for (const client of this.#misskeyStreaming?.clients ?? []) client.terminate();
    this.#misskeyStreaming?.close();
    await this.#stopListening();
  }

  #resolve(author: Author): AccountRecord {
    const account = typeof author === 'string' ? this.#store.accountByToken(author) : this.#store.accountById(author.id);
    if (!account) throw new Error('unknown account or token');
    return account;
  }

  #accountByAcct(acct: string): AccountRecord {
    const [username = '', domain] = acct.replace(/^@/, '').split('@');
    const local = domain === undefined || domain.toLowerCase() === this.domain;
    const account = this.#store.accountByName(username, local ? null : domain);
    if (!account) throw new Error(`no account ${acct}`);
    return account;
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  async #stopListening(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    this.#hub?.dropAll();
    for (const client of this.#misskeyStreaming?.clients ?? []) client.terminate();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #log(request: IncomingMessage, url: URL, websocket: boolean): LoggedRequest {
    const idempotencyKey = request.headers['idempotency-key'];
    const entry: LoggedRequest = {
      at: new Date(),
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      headers: request.headers,
      idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
      websocket,
    };
    this.#requests.push(entry);
    return entry;
  }

  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const entry = this.#log(request, url, false);
    let answer: PlainResponse;
    try {
      answer = await this.#answer(request, url, entry);
    } catch (error) {
      entry.error = error;
      answer = errorResponse(500, 'Internal Server Error');
    }
    entry.status = answer.status;
    writeResponse(response, answer);
  }

  async #answer(request: IncomingMessage, url: URL, entry: LoggedRequest): Promise<PlainResponse> {
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    const fault = this.#faults.take(method, url.pathname, false, this.#rateLimiter.limit);
    if (fault) return fault;
    if (url.pathname.startsWith('/api/v1/streaming')) return this.#streamingHttp(url.pathname);
    if (method === 'GET' && url.pathname === '/.well-known/nodeinfo') {
      return jsonResponse(200, { links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${this.url}/nodeinfo/2.1` }] });
    }
    if (method === 'GET' && url.pathname === '/nodeinfo/2.1') {
      const users = this.#store.accounts.filter((a) => a.domain === null).length;
      const localPosts = this.#store.statuses.filter((s) => s.account.domain === null).length;
      return jsonResponse(200, nodeinfo(this.#facts, { users, localPosts }), {
        'Content-Type': 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
      });
    }
    if (!isRestApiPath(url.pathname) && url.pathname !== '/oauth/token') return errorResponse(404, 'Not Found');
    let params: Params;
    try {
      params = { ...railsParams(url.searchParams), ...(await parseBody(request.headers['content-type'], body)) };
    } catch {
      return errorResponse(400, 'Error occurred while parsing request parameters');
    }
    entry.params = params;
    const apiRequest = { method, path: url.pathname, params, headers: request.headers };
    const verdict = this.#rateLimiter.hit(RestApi.tokenOf(apiRequest) ?? request.socket.remoteAddress ?? '', Date.now());
    if (verdict.limited) return verdict.response;
    const answer = this.#rest.handle(apiRequest);
    return { ...answer, headers: { ...answer.headers, ...verdict.headers } };
  }

  /** Plain HTTP to the streaming server: only its health check is served here (no EventSource). */
  #streamingHttp(path: string): PlainResponse {
    if (!this.#hub) return errorResponse(404, 'Not Found');
    if (path === '/api/v1/streaming/health') return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'OK' };
    return errorResponse(400, 'Unknown channel requested');
  }

  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client that gives up mid-handshake must not take the test process down.
    socket.on('error', () => undefined);
    const url = new URL(request.url ?? '/', this.url);
    const entry = this.#log(request, url, true);
    const fault = this.#faults.take(request.method ?? 'GET', url.pathname, true, this.#rateLimiter.limit);
    if (fault) {
      this.#refuseUpgrade(socket, entry, fault);
      return;
    }
    const misskey = this.#misskeyStreaming;
    if (misskey) {
      // StreamingApiServerService#onServerUpgrade: every path, Misskey's channel protocol, which a Mastodon client never hears from.
      misskey.handleUpgrade(request, socket, head, (ws) => ws.on('error', () => undefined));
      entry.status = 101;
      return;
    }
    const hub = url.pathname.startsWith('/api/v1/streaming') ? this.#hub : undefined;
    if (!hub) {
      this.#refuseUpgrade(socket, entry, errorResponse(404, 'Not Found'));
      return;
    }
    entry.status = hub.upgrade(request, socket, head);
  }

  #refuseUpgrade(socket: Duplex, entry: LoggedRequest, response: PlainResponse): void {
    writeRawResponse(socket, response);
    entry.status = response.status;
  }
}

const MAX_BODY_BYTES = 1_048_576;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
