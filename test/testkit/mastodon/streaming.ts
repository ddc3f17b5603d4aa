/**
 * The streaming API as Mastodon's streaming server (streaming/index.js)
 * serves it over WebSocket: the token from the Authorization header, the
 * `access_token` query parameter or Sec-WebSocket-Protocol; channels from
 * `?stream=` or `{"type":"subscribe","stream":…}` messages; events as
 * `{"stream":[…],"event":…,"payload":"<JSON string>"}`; a protocol-level
 * ping every interval, and sockets that missed the previous pong terminated.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EntityRenderer } from './entities.ts';
import { writeRawResponse } from './responses.ts';
import type { AccountRecord, NotificationRecord, StatusRecord, Store } from './store.ts';

const CHANNELS = ['user', 'user:notification', 'public', 'public:local', 'public:remote'] as const;
type Channel = (typeof CHANNELS)[number];

interface Session {
  readonly socket: WebSocket;
  readonly account: AccountRecord;
  readonly channels: Set<Channel>;
  /** Cleared by each ping, set by the pong; still clear at the next ping means the peer is gone. */
  alive: boolean;
  /** A half-dead connection: open, but the server neither pings, pongs, reads nor sends. */
  stalled: boolean;
}

export class StreamingHub {
  readonly #server = new WebSocketServer({ noServer: true, autoPong: false });
  readonly #sessions = new Set<Session>();
  readonly #store: Store;
  readonly #renderer: EntityRenderer;
  readonly #heartbeat: NodeJS.Timeout;

  readonly #subscribable: readonly string[] | undefined;

  readonly #subscribeDelayMs: number;

  constructor(store: Store, renderer: EntityRenderer, pingIntervalMs: number, subscribable?: readonly string[], subscribeDelayMs = 0) {
    this.#subscribable = subscribable;
    this.#subscribeDelayMs = subscribeDelayMs;
    this.#store = store;
    this.#renderer = renderer;
    store.on('notification', (notification) => this.#publishNotification(notification));
    store.on('status', (status) => this.#publishStatus(status));
    this.#heartbeat = setInterval(() => this.#beat(), pingIntervalMs).unref();
  }

  /** Open WebSocket connections, optionally only those of one account. */
  openSockets(account?: AccountRecord): number {
    return [...this.#sessions].filter((session) => !account || session.account === account).length;
  }

  /** The channels the account's open connections subscribe to, one entry per connection and channel. */
  subscriptions(account: AccountRecord): string[] {
    return this.#sessionsOf(account).flatMap((session) => [...session.channels]);
  }

  /** Authenticates and upgrades the request; returns the HTTP status it was answered with. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): number {
    const account = this.#authenticate(request);
    if (typeof account === 'string') {
      writeRawResponse(socket, {
        status: 401,
        headers: { 'Content-Type': 'text/plain', 'X-Error-Message': account },
        body: '',
      });
      return 401;
    }
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, request, account));
    return 101;
  }

  /** Closes every connection without a closing handshake, as a network failure would. */
  dropAll(): void {
    for (const session of this.#sessions) session.socket.terminate();
  }

  /** false: every open connection goes half-dead; connections opened later are healthy. */
  setPings(enabled: boolean): void {
    for (const session of this.#sessions) session.stalled = !enabled;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.dropAll();
    this.#server.close();
  }

  /** accountFromRequest: an error message, or the account the token belongs to. */
  #authenticate(request: IncomingMessage): AccountRecord | string {
    const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
    const authorization = request.headers.authorization;
    const token = authorization ? authorization.replace(/^Bearer /, '') : (query.get('access_token') ?? request.headers['sec-websocket-protocol']);
    if (!token) return 'Missing access token';
    return this.#store.accountByToken(token) ?? 'Invalid access token';
  }

  #onConnection(socket: WebSocket, request: IncomingMessage, account: AccountRecord): void {
    const session: Session = { socket, account, channels: new Set(), alive: true, stalled: false };
    this.#sessions.add(session);
    socket.on('pong', () => (session.alive = true));
    socket.on('ping', (data) => {
      if (!session.stalled) socket.pong(data);
    });
    socket.on('message', (data, isBinary) => this.#onMessage(session, data, isBinary));
    socket.on('close', () => this.#sessions.delete(session));
    // An 'error' is always followed by 'close'; without a listener it would be thrown.
    socket.on('error', () => undefined);
    const stream = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('stream');
    if (stream) this.#subscribe(session, stream);
  }

  #onMessage(session: Session, data: RawData, isBinary: boolean): void {
    if (session.stalled) return;
    if (isBinary) {
      session.socket.close(1003, 'The mastodon streaming server does not support binary messages');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { type, stream } = message as { type?: unknown; stream?: unknown };
    const channel = Array.isArray(stream) ? stream[0] : stream;
    if (type === 'subscribe') {
      if (this.#subscribable && !this.#subscribable.includes(String(channel))) return;
      // Mastodon's streaming server subscribes to Redis before events flow: a subscription takes effect a moment later.
      if (this.#subscribeDelayMs > 0) setTimeout(() => this.#subscribe(session, channel), this.#subscribeDelayMs).unref();
      else this.#subscribe(session, channel);
    } else if (type === 'unsubscribe' && isChannel(channel)) session.channels.delete(channel);
  }

  #subscribe(session: Session, channel: unknown): void {
    if (isChannel(channel)) session.channels.add(channel);
    else this.#sendRaw(session, { error: 'Unknown stream type', status: 400 });
  }

  /** The recipient's `user` and `user:notification` subscriptions each get the event. */
  #publishNotification(notification: NotificationRecord): void {
    const payload = this.#renderer.notification(notification);
    for (const session of this.#sessionsOf(notification.recipient)) {
      for (const channel of ['user', 'user:notification'] as const) {
        if (session.channels.has(channel)) this.#send(session, channel, 'notification', payload);
      }
    }
  }

  /** Local authors see their post in their home timeline; public posts go to the public timelines. */
  #publishStatus(status: StatusRecord): void {
    const local = status.account.domain === null;
    const publicChannels: Channel[] = status.visibility !== 'public' ? [] : local ? ['public', 'public:local'] : ['public', 'public:remote'];
    for (const session of this.#sessions) {
      if (local && session.account === status.account && session.channels.has('user')) {
        this.#send(session, 'user', 'update', this.#renderer.status(status, session.account));
      }
      for (const channel of publicChannels) {
        if (session.channels.has(channel)) this.#send(session, channel, 'update', this.#renderer.status(status));
      }
    }
  }

  #sessionsOf(account: AccountRecord): Session[] {
    return [...this.#sessions].filter((session) => session.account === account);
  }

  #send(session: Session, channel: Channel, event: string, payload: unknown): void {
    this.#sendRaw(session, { stream: [channel], event, payload: JSON.stringify(payload) });
  }

  #sendRaw(session: Session, message: unknown): void {
    if (session.stalled || session.socket.readyState !== session.socket.OPEN) return;
    session.socket.send(JSON.stringify(message));
  }

  /** Mastodon pings every 30 s and terminates a socket whose last ping went unanswered. */
  #beat(): void {
    for (const session of this.#sessions) {
      if (session.stalled) continue;
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }
}

function isChannel(value: unknown): value is Channel {
  return (CHANNELS as readonly unknown[]).includes(value);
}
