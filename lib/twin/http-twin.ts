import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QuestionPath } from '../engine/question/path-question.ts';
import type { Question, WhoisTarget } from '../engine/question/question.ts';
import { formatIpAddress, networkOf, parseIpAddress } from '../net/ip-address.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';
import { TokenBuckets } from '../policy/token-buckets.ts';

/** What the twin needs of the engine; LookingGlass fits it. The question is read first, so that its cost is taken before anything is asked. */
export interface TwinEngine {
  /** The question of a path's parts, read as the engine reads a mention's, never as text. */
  readPath(path: QuestionPath): Question;
  /** How many questions this one counts as (a comparison asks several resolvers). */
  costOf(question: Question): number;
  answerQuestion(question: Question): Promise<{ readonly question: Question; readonly lines: readonly { readonly text: string }[] }>;
}

export interface HttpTwinOptions {
  readonly engine: TwinEngine;
  /** Asked on every GET /healthz; `reason` is the body when not ok. */
  readonly health: () => { readonly ok: boolean; readonly reason: string };
  /** Per client address (an IPv6 client by its /64): `count` requests per `windowMs`, refilled continuously. */
  readonly rateLimit: { readonly count: number; readonly windowMs: number };
  /** Where an engine failure is told (the asker gets a bare 500). */
  readonly logger?: Logger;
}

export interface HttpTwin {
  /** Starts listening; `port` 0 picks a free port. Resolves with the address actually bound. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /** Stops accepting connections, closes idle ones and waits for requests in progress. */
  close(): Promise<void>;
}

/** The twin was asked to do something it refuses, such as listening without a host. */
export class HttpTwinError extends Error {
  override readonly name = 'HttpTwinError';
}

const MAX_URL_LENGTH = 2048;
const ALLOWED_METHODS = 'GET, HEAD';
// Buckets kept at most; a client whose bucket was pushed out starts over with a full one.
const MAX_CLIENTS = 10_000;

const usage = [
  'fedidig over HTTP, the same answers as the bot:',
  '  GET /dns/NAME                e.g. /dns/example.com',
  '  GET /dns/NAME/TYPE[+TYPE…]   e.g. /dns/example.com/MX+TXT',
  '  GET /dns/NAME/TYPE?compare   e.g. /dns/example.com/A?compare: every resolver, side by side',
  '  GET /bgp/ADDRESS             e.g. /bgp/192.0.2.1',
  '  GET /bgp/PREFIX              e.g. /bgp/192.0.2.0/24',
  '  GET /bgp/ASN                 e.g. /bgp/AS64500',
  '  GET /whois/NAME|ADDRESS|PREFIX|ASN   e.g. /whois/example.com, /whois/192.0.2.0/24: who holds it (RDAP)',
  '  GET /abuse/ADDRESS|PREFIX|ASN       e.g. /abuse/192.0.2.1: its abuse mailbox',
  '  GET /healthz',
  'Plain text by default; send “Accept: application/json” for JSON.',
].join('\n');

/** A request the twin understood: the question's parts, as the path gives them. */
type Route = { readonly kind: 'ask'; readonly path: QuestionPath } | { readonly kind: 'bad'; readonly problem: string } | { readonly kind: 'unknown' };

/**
 * An HTTP listener that answers the questions the bot answers, for curl users
 * and monitoring: GET /dns/…, /bgp/…, /healthz. It never reads a request
 * body, caps the URL and limits each client's rate; binding it to a safe
 * address (loopback unless a reverse proxy is in front) is the caller's job.
 */
export function createHttpTwin(options: HttpTwinOptions): HttpTwin {
  const { count, windowMs } = options.rateLimit;
  if (!(Number.isInteger(count) && count >= 1 && windowMs > 0))
    throw new HttpTwinError(`a rate limit needs a count of at least 1 and a window above 0 ms (got ${count} per ${windowMs} ms)`);
  const limiter = new TokenBuckets(count, windowMs, MAX_CLIENTS);
  const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger?.error(
        { event: 'http-twin-error', method: request.method, url: request.url, ...errorFields(error), stack: error instanceof Error ? error.stack : undefined },
        `http twin: ${request.method} ${request.url}: ${errorFields(error).error}`,
      );
      if (!response.headersSent) reply(response, request, 500, 'Something went wrong on this side. Try again later.');
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    if (url.length > MAX_URL_LENGTH) return reply(response, request, 414, `The URL is longer than ${MAX_URL_LENGTH} characters.`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply(response, request, 405, `Only ${ALLOWED_METHODS} here.`, { allow: ALLOWED_METHODS });
    }
    const [path, search = ''] = url.split('?');
    // Health checks come from the monitoring, which must never be told to wait.
    if (path === '/healthz') {
      const health = options.health();
      return reply(response, request, health.ok ? 200 : 503, health.ok ? 'ok' : health.reason);
    }
    const client = clientKey(request.socket.remoteAddress);
    const waitMs = limiter.take(client);
    if (waitMs > 0) return tooMany(response, request, waitMs);
    const route = routeOf(path, new URLSearchParams(search));
    if (route.kind === 'unknown') return reply(response, request, 404, usage);
    if (route.kind === 'bad') return reply(response, request, 400, `${route.problem}\n\n${usage}`);
    const question = options.engine.readPath(route.path);
    // A name alone may read as help, info, an AS number or a prefix, which /dns/ does not promise.
    if (route.path.section === 'dns' && question.kind !== 'dns' && question.kind !== 'invalid') {
      return reply(
        response,
        request,
        400,
        `“${route.path.name}” is not a DNS question: ask /dns/NAME/TYPE for a name that reads as something else.\n\n${usage}`,
      );
    }
    // A comparison counts once per resolver it asks, as it does for the bot's askers: the rest of its cost is taken before it asks.
    const extra = options.engine.costOf(question) - 1;
    const extraMs = extra > 0 ? limiter.take(client, Date.now(), extra) : 0;
    if (extraMs > 0) return tooMany(response, request, extraMs);
    const answer = await options.engine.answerQuestion(question);
    const lines = answer.lines.map((line) => line.text);
    const status = answer.question.kind === 'invalid' ? 400 : 200;
    if (wantsJson(request)) {
      const body = JSON.stringify({ question: presentQuestion(answer.question), lines }, (_key, value: unknown) =>
        value instanceof Uint8Array ? [...value] : value,
      );
      return reply(response, request, status, body, { vary: 'Accept' }, 'application/json; charset=utf-8');
    }
    return reply(response, request, status, lines.join('\n'), { vary: 'Accept' });
  }

  return {
    listen(host, port) {
      if (!host.trim()) return Promise.reject(new HttpTwinError('no host to listen on: give an address, e.g. 127.0.0.1'));
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const bound = server.address() as AddressInfo;
          resolve({ host: bound.address, port: bound.port });
        });
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/**
 * The question's parts in a path: `/dns/NAME/A+MX` → the name and its types,
 * `/bgp/192.0.2.0/24` → the prefix, slash and all.
 */
function routeOf(path: string, query: URLSearchParams): Route {
  const [empty, section, ...raw] = path.split('/');
  if (empty !== '' || raw.length === 0 || raw.some((segment) => segment === '')) return { kind: 'unknown' };
  let segments: string[];
  try {
    segments = raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return { kind: 'bad', problem: 'The path is not valid percent-encoded UTF-8.' };
  }
  // No name or type holds these; the asker hears what the path may hold before the grammar says what it expected.
  if (segments.some((segment) => /\s/u.test(segment))) return { kind: 'bad', problem: 'A name or type cannot contain spaces.' };
  if (segments.some((segment) => /^[+@-]/.test(segment)))
    return { kind: 'bad', problem: 'A name or type cannot start with +, - or @: options go after ?, e.g. ?compare.' };
  if (section === 'dns' && segments.length <= 2) {
    const [name, types] = segments;
    const typeList = types?.split(/[+,]/) ?? [];
    if (typeList.some((type) => type === '')) return { kind: 'bad', problem: `“${types}” is not a list of types: join them with + or a comma.` };
    return { kind: 'ask', path: { section, name, types: typeList, compare: query.has('compare') } };
  }
  if ((section === 'bgp' || section === 'whois' || section === 'abuse') && segments.length <= 2)
    return { kind: 'ask', path: { section, target: segments.join('/') } };
  return { kind: 'unknown' };
}

function tooMany(response: ServerResponse, request: IncomingMessage, waitMs: number): void {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  reply(response, request, 429, `Too many questions from your address. Try again in ${retryAfter} s.`, { 'retry-after': String(retryAfter) });
}

function wantsJson(request: IncomingMessage): boolean {
  return request.headers.accept?.includes('application/json') ?? false;
}

function reply(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  body: string,
  headers: OutgoingHttpHeaders = {},
  type = 'text/plain; charset=utf-8',
): void {
  const payload = `${body}\n`;
  response.writeHead(status, {
    ...headers,
    'content-type': type,
    'content-length': Buffer.byteLength(payload),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : payload);
}

/** The rate-limit key of a client: its IPv4 address, or the /64 of its IPv6 address, which one user usually holds whole. */
export function clientKey(remoteAddress: string | undefined): string {
  const address = parseIpAddress(remoteAddress?.replace(/^::ffff:(?=\d+\.)/i, '') ?? '');
  if (!address) return remoteAddress ?? '';
  if (address.version === 4) return formatIpAddress(address);
  return `${formatIpAddress(networkOf(address, 64))}/64`;
}

/**
 * The engine keeps a BGP or whois question's address or prefix typed; the
 * JSON API shows it as people write it, as it always has (a reverse
 * question's address stays bytes, as documented).
 */
function presentQuestion(question: Question): unknown {
  if (question.kind === 'bgp') return { ...question, query: presentTarget(question.query) };
  if (question.kind === 'whois') return { ...question, target: presentTarget(question.target) };
  return question;
}

function presentTarget(target: WhoisTarget): unknown {
  if (target.kind === 'address') return { ...target, address: formatIpAddress(target.address) };
  if (target.kind === 'prefix') return { ...target, prefix: formatIpAddress(target.prefix) };
  return target;
}
