/**
 * A Misskey server for tests, on 127.0.0.1 with a random free port: the
 * flavour of the test instance that has no Mastodon API at all, only
 * Misskey's own, written from Misskey's source (see test/testkit/misskey/):
 * every endpoint a POST of JSON under /api/ with the token as `i` (or a
 * Bearer header), errors as `{"error": {message, code, id, kind}}`, and the
 * streaming API, one WebSocket at /streaming?i=TOKEN with channels connected
 * by message. Plus switches that make it fail as a real server can.
 *
 *   const instance = await startMisskeyInstance();
 *   const bot = instance.createUser('dig', { isBot: true });
 *   const alice = instance.createUser('alice');
 *   instance.post(alice, { text: '@dig example.com' });
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { listen } from './listen.ts';
import { waitFor } from './wait-for.ts';
import { WebSocketServer, type WebSocket } from 'ws';
import { packMe, packNote, packNotification, packUserLite, type Json, type Site } from './misskey/entities.ts';
import { invalidParam, MisskeyApiError, MisskeyStore, readCreateNoteParams, type CreateNoteParams, type NoteRecord, type UserRecord } from './misskey/model.ts';

export type { NoteRecord, UserRecord, NoteVisibility } from './misskey/model.ts';

export interface MisskeyInstanceOptions {
  /** nodeinfo's software; default Misskey's. */
  readonly software?: { readonly name: string; readonly version: string };
  /** meta's maxNoteTextLength and the limit notes/create holds posts to (MAX_NOTE_TEXT_LENGTH); default 3000. */
  readonly maxNoteTextLength?: number;
  /** notes/create's rate limit per user (endpoints/notes/create.ts: 300 an hour). */
  readonly notesCreateLimit?: { readonly max: number; readonly durationMs: number };
  /** How often the streaming server pings each socket; Misskey's is 60 s. */
  readonly pingIntervalMs?: number;
}

export interface LoggedRequest {
  readonly at: Date;
  readonly path: string;
  readonly websocket: boolean;
  params?: Json;
  status?: number;
}

export type MisskeyFailure = '500' | '502-html' | '429';

const UNKNOWN_ENDPOINT = new MisskeyApiError(404, 'UNKNOWN_API_ENDPOINT', 'Unknown API endpoint.', '2ca3b769-540a-4f08-9dd5-b5a825b6d0f1');
const CREDENTIAL_REQUIRED = new MisskeyApiError(401, 'CREDENTIAL_REQUIRED', 'Credential required.', '1384574d-a912-4b81-8601-c7b1c4085df1');
const AUTHENTICATION_FAILED = new MisskeyApiError(
  401,
  'AUTHENTICATION_FAILED',
  'Authentication failed. Please ensure your token is correct.',
  'b0a7f5f8-dc2f-4171-b91f-de88ad238e14',
);
const INTERNAL_ERROR = new MisskeyApiError(500, 'INTERNAL_ERROR', 'Internal error occurred.', '5d37dbcb-891e-41ca-a3d6-e690c97775ac', undefined, 'server');
const NGINX_502 = '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n';

export async function startMisskeyInstance(options: MisskeyInstanceOptions = {}): Promise<MisskeyInstance> {
  const server = createServer();
  await listen(server, 0);
  return new MisskeyInstance(server, options);
}

type Handler = (me: UserRecord | undefined, params: Json) => unknown;

export class MisskeyInstance {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly #server: Server;
  readonly #site: Site;
  readonly #store: MisskeyStore;
  readonly #options: MisskeyInstanceOptions;
  readonly #sockets = new Set<Socket>();
  readonly #requests: LoggedRequest[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });
  /** The main channel each socket connected, by user id: [socket, channel id]. */
  readonly #mainChannels = new Map<string, Set<{ socket: WebSocket; id: string }>>();
  readonly #failures: { kind: MisskeyFailure; endpoint?: string; remaining: number }[] = [];
  readonly #creates = new Map<string, number[]>();
  readonly #miauth = new Map<string, UserRecord>();
  #heldPosts = 0;
  readonly #held: ServerResponse[] = [];
  #pinger: NodeJS.Timeout;
  #listening = true;

  constructor(server: Server, options: MisskeyInstanceOptions) {
    this.#server = server;
    this.#options = options;
    this.port = (server.address() as { port: number }).port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.host = `127.0.0.1:${this.port}`;
    this.#site = { url: this.url };
    this.#store = new MisskeyStore(this.host, options.maxNoteTextLength ?? 3000);
    this.#store.onNotification((notifiee, notification) => {
      for (const { socket, id } of this.#mainChannels.get(notifiee.id) ?? []) {
        // GlobalEventService.publishMainStream: the notification, and for a mention the note as `mention` too.
        socket.send(JSON.stringify({ type: 'channel', body: { id, type: 'notification', body: packNotification(notification, this.#site) } }));
        if (notification.type === 'mention' && notification.note)
          socket.send(JSON.stringify({ type: 'channel', body: { id, type: 'mention', body: packNote(notification.note, this.#site) } }));
      }
    });
    this.#pinger = setInterval(() => {
      for (const client of this.#wss.clients) client.ping();
    }, options.pingIntervalMs ?? 60_000);
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (request, response) => void this.#onRequest(request, response));
    server.on('upgrade', (request, socket, head) => this.#onUpgrade(request, socket, head));
  }

  createUser(username: string, options: { isBot?: boolean; host?: string } = {}): UserRecord {
    return this.#store.createUser(username, options.host?.toLowerCase() ?? null, Boolean(options.isBot));
  }

  /** Posts as `user` through notes/create's code path (without HTTP, rate limits and failures); throws a MisskeyApiError where it would answer 4xx. */
  post(user: UserRecord, params: CreateNoteParams): NoteRecord {
    return this.#store.createNote(user, params);
  }

  /** A notification of another kind (a follow), as noise among the mentions. */
  follow(follower: UserRecord, followee: UserRecord): void {
    this.#store.addNotification(followee, { id: this.#store.nextId(), createdAt: new Date(), type: 'follow', notifier: follower, note: undefined });
  }

  /** The direct replies to a note, oldest first. */
  repliesTo(noteId: string): NoteRecord[] {
    return this.#store.notes.filter((note) => note.reply?.id === noteId);
  }

  notesBy(user: UserRecord): NoteRecord[] {
    return this.#store.notes.filter((note) => note.user === user);
  }

  /** The MiAuth consent page: `user` grants the session; the app's check then gets a token. */
  authorizeMiAuth(session: string, user: UserRecord): void {
    this.#miauth.set(session, user);
  }

  get requests(): readonly LoggedRequest[] {
    return this.#requests;
  }

  /** Open streaming sockets with the main channel connected, of one user or of all. */
  openMainChannels(user?: UserRecord): number {
    if (user) return this.#mainChannels.get(user.id)?.size ?? 0;
    return [...this.#mainChannels.values()].reduce((sum, set) => sum + set.size, 0);
  }

  /** The next `count` API requests (of `endpoint`, or any) fail as `kind`. */
  failNext(count: number, kind: MisskeyFailure, endpoint?: string): void {
    this.#failures.push({ kind, endpoint, remaining: count });
  }

  /** The next `count` notes/create requests create their note and then never answer, as a server that dies before it can. */
  holdPosts(count: number): void {
    this.#heldPosts += count;
  }

  /** Closes every streaming socket abruptly. */
  dropStreams(): void {
    for (const client of this.#wss.clients) client.terminate();
  }

  /** Resolves with the predicate's first truthy value, checking every 10 ms; rejects after `timeoutMs`. */
  readonly waitFor = waitFor;

  async close(): Promise<void> {
    clearInterval(this.#pinger);
    this.dropStreams();
    this.#wss.close();
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #endpoints(): Record<string, { credential: boolean; handle: Handler }> {
    const store = this.#store;
    const site = this.#site;
    const note = (id: unknown, me: UserRecord | undefined) => {
      const found = typeof id === 'string' ? store.noteById(id) : undefined;
      if (!found || !store.isVisible(found, me)) throw new MisskeyApiError(400, 'NO_SUCH_NOTE', 'No such note.', '24fcbfc6-2e37-42b6-8388-c29b3861a08d');
      return found;
    };
    return {
      i: { credential: true, handle: (me) => packMe(me!, site) },
      meta: {
        credential: false,
        handle: () => ({
          name: 'fedidig test instance',
          uri: this.url,
          version: this.#options.software?.version ?? '2025.4.0',
          maxNoteTextLength: store.maxNoteTextLength,
          disableRegistration: true,
          features: { miauth: true },
        }),
      },
      'i/notifications': {
        credential: true,
        handle: (me, params) => {
          const limit = params.limit ?? 10;
          if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)
            throw invalidParam('#/properties/limit/maximum', 'must be <= 100');
          const types = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
          const includeTypes = types(params.includeTypes);
          if (includeTypes && includeTypes.length === 0) return [];
          return store
            .notificationsOf(me!, {
              limit,
              untilId: typeof params.untilId === 'string' ? params.untilId : undefined,
              sinceId: typeof params.sinceId === 'string' ? params.sinceId : undefined,
              includeTypes,
              excludeTypes: types(params.excludeTypes),
            })
            .map((n) => packNotification(n, site));
        },
      },
      'notes/create': {
        credential: true,
        handle: (me, params) => {
          this.#checkCreateLimit(me!);
          const created = store.createNote(me!, readCreateNoteParams(params));
          return { createdNote: packNote(created, site) };
        },
      },
      'notes/show': { credential: false, handle: (me, params) => packNote(note(params.noteId, me), site) },
      'notes/replies': {
        credential: false,
        handle: (me, params) => {
          const limit = typeof params.limit === 'number' ? params.limit : 10;
          if (limit < 1 || limit > 100) throw invalidParam('#/properties/limit/maximum', 'must be <= 100');
          const untilId = typeof params.untilId === 'string' ? params.untilId : undefined;
          return store.notes
            .filter((n) => n.reply?.id === params.noteId && store.isVisible(n, me) && (untilId === undefined || n.id < untilId))
            .reverse()
            .slice(0, limit)
            .map((n) => packNote(n, site));
        },
      },
      'users/show': {
        credential: false,
        handle: (_me, params) => {
          const user = typeof params.username === 'string' ? store.userByName(params.username, params.host as string | null | undefined) : undefined;
          if (!user) throw new MisskeyApiError(400, 'NO_SUCH_USER', 'No such user.', '4362f8dc-731f-4ad8-a694-be5a88922a24');
          return packUserLite(user, site);
        },
      },
    };
  }

  /** The rate limit of notes/create (RateLimiterService), per user; a 429 says when to come back. */
  #checkCreateLimit(me: UserRecord): void {
    const limit = this.#options.notesCreateLimit ?? { max: 300, durationMs: 3_600_000 };
    const now = Date.now();
    const recent = (this.#creates.get(me.id) ?? []).filter((at) => at > now - limit.durationMs);
    this.#creates.set(me.id, recent);
    if (recent.length >= limit.max) throw rateLimited(recent[0]! + limit.durationMs - now);
    recent.push(now);
  }

  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const entry: LoggedRequest = { at: new Date(), path: url.pathname, websocket: false };
    this.#requests.push(entry);
    const body = await readBody(request);
    if (request.method === 'GET' && url.pathname === '/.well-known/nodeinfo') {
      return send(response, entry, 200, {
        links: [
          { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${this.url}/nodeinfo/2.1` },
          { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${this.url}/nodeinfo/2.0` },
        ],
      });
    }
    if (request.method === 'GET' && /^\/nodeinfo\/2\.[01]$/.test(url.pathname)) {
      const software = this.#options.software ?? { name: 'misskey', version: '2025.4.0' };
      return send(response, entry, 200, {
        version: url.pathname.slice(-3),
        software: { ...software, homepage: 'https://misskey-hub.net/', repository: 'https://github.com/misskey-dev/misskey' },
        protocols: ['activitypub'],
        services: { inbound: [], outbound: ['atom1.0', 'rss2.0'] },
        openRegistrations: false,
        usage: { users: { total: this.#store.users.length } },
        metadata: { nodeName: 'fedidig test instance' },
      });
    }
    if (!url.pathname.startsWith('/api/')) return send(response, entry, 404, { error: 'Not Found' });
    const endpoint = url.pathname.slice('/api/'.length);
    const failure = this.#failures.find((f) => f.remaining > 0 && (f.endpoint === undefined || f.endpoint === endpoint));
    if (failure) {
      failure.remaining--;
      if (failure.kind === '502-html') {
        entry.status = 502;
        response.writeHead(502, { 'Content-Type': 'text/html' }).end(NGINX_502);
        return;
      }
      const error = failure.kind === '429' ? rateLimited(1000) : INTERNAL_ERROR;
      return sendError(response, entry, error);
    }
    const miauth = /^miauth\/([^/]+)\/check$/.exec(endpoint);
    if (miauth && request.method === 'POST') return this.#miauthCheck(response, entry, miauth[1]!);
    const handler = this.#endpoints()[endpoint];
    // ApiServerService: every endpoint is a POST (some allow GET); anything else under /api/ is unknown, /api/v1/… included.
    if (!handler || request.method !== 'POST') return sendError(response, entry, UNKNOWN_ENDPOINT);
    let params: Json;
    try {
      params = body.length ? (JSON.parse(body.toString('utf8')) as Json) : {};
    } catch {
      return sendError(response, entry, invalidParam('#', 'must be object'));
    }
    entry.params = params;
    const bearer = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : undefined;
    const token = typeof params.i === 'string' ? params.i : bearer;
    const me = token === undefined ? undefined : this.#store.userByToken(token);
    if (token !== undefined && !me) return sendError(response, entry, AUTHENTICATION_FAILED);
    if (handler.credential && !me) return sendError(response, entry, CREDENTIAL_REQUIRED);
    try {
      const result = handler.handle(me, params);
      if (endpoint === 'notes/create' && this.#heldPosts > 0) {
        this.#heldPosts--;
        entry.status = 0;
        this.#held.push(response);
        return;
      }
      send(response, entry, 200, result);
    } catch (error) {
      sendError(response, entry, error instanceof MisskeyApiError ? error : INTERNAL_ERROR);
    }
  }

  #miauthCheck(response: ServerResponse, entry: LoggedRequest, session: string): void {
    const user = this.#miauth.get(session);
    this.#miauth.delete(session);
    send(response, entry, 200, user ? { ok: true, token: user.token, user: packUserLite(user, this.#site) } : { ok: false });
  }

  /** StreamingApiServerService: the token from `i` or a Bearer header; 401 without a good one. */
  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(request.url ?? '/', this.url);
    const entry: LoggedRequest = { at: new Date(), path: url.pathname, websocket: true };
    this.#requests.push(entry);
    const token = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : url.searchParams.get('i');
    const user = token ? this.#store.userByToken(token) : undefined;
    if (token && !user) {
      entry.status = 401;
      socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="Misskey", error="invalid_token"\r\nConnection: close\r\n\r\n');
      return;
    }
    entry.status = 101;
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#onSocket(ws, user));
  }

  /** MainStreamConnection: `connect` and `disconnect` messages; the main channel needs a user. */
  #onSocket(ws: WebSocket, user: UserRecord | undefined): void {
    ws.on('error', () => undefined);
    const channels = user ? (this.#mainChannels.get(user.id) ?? new Set()) : undefined;
    if (user && channels) this.#mainChannels.set(user.id, channels);
    ws.on('message', (data) => {
      let message: { type?: string; body?: { channel?: string; id?: string } };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return;
      }
      const id = message.body?.id;
      if (message.type === 'connect' && message.body?.channel === 'main' && channels && typeof id === 'string') {
        channels.add({ socket: ws, id });
      } else if (message.type === 'disconnect' && channels && typeof id === 'string') {
        for (const entry of channels) if (entry.socket === ws && entry.id === id) channels.delete(entry);
      }
    });
    ws.on('close', () => {
      for (const entry of channels ?? []) if (entry.socket === ws) channels!.delete(entry);
    });
  }
}

function rateLimited(resetMs: number): MisskeyApiError {
  return new MisskeyApiError(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded. Please try again later.', 'd5826d14-3982-4d2e-8011-b9e9f02499ef', {
    resetMs,
    resetSec: Math.ceil(resetMs / 1000),
    fullResetMs: resetMs,
    fullResetSec: Math.ceil(resetMs / 1000),
  });
}

function send(response: ServerResponse, entry: LoggedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
  entry.status = status;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers }).end(text);
}

/** ApiCallService#send for an error; a 429 with Retry-After in seconds, from the error's info. */
function sendError(response: ServerResponse, entry: LoggedRequest, error: MisskeyApiError): void {
  const resetSec = error.info?.resetSec;
  const headers: Record<string, string> = error.status === 429 && typeof resetSec === 'number' ? { 'Retry-After': String(resetSec) } : {};
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="Misskey"';
  send(response, entry, error.status, error.body, headers);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
