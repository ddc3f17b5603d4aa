/**
 * Misskey's streaming API (StreamingApiServerService, channels/main.ts): one
 * WebSocket at /streaming?i=TOKEN, channels connected with
 * `{"type":"connect","body":{"channel":"main","id":…}}`, and their events
 * sent back as `{"type":"channel","body":{"id":…,"type":…,"body":…}}`. The
 * main channel carries every `notification` as i/notifications lists it, with
 * the same id, which the watermark is made of (the `mention` event carries the
 * note alone). misskey-js's Stream reconnects on its own, which would hide the
 * gap from the catch-up: this is the same protocol on a plain socket that ends
 * at the first drop.
 */
import WebSocket from 'ws';
import type { entities } from 'misskey-js';
import { AuthError, RateLimitedError, StreamClosedError, TransientServerError } from '../errors.ts';

export interface MainStreamOptions {
  readonly origin: string;
  readonly token: string;
  /** A stream silent (no event, no pong) for this long is dead and is closed. */
  readonly silenceMs: number;
}

export interface MainStreamHandlers {
  onOpen(): void;
  onAlive(): void;
  onNotification(notification: entities.Notification): void;
}

const CHANNEL_ID = 'fedidig-main';

/** Follows the main channel until the socket closes, goes silent or `signal` aborts; then StreamClosedError, unless aborted. */
export async function followMainChannel(options: MainStreamOptions, handlers: MainStreamHandlers, signal: AbortSignal): Promise<void> {
  const url = new URL('/streaming', options.origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('i', options.token);
  const socket = new WebSocket(url);
  let lastAlive = Date.now();
  const alive = () => {
    lastAlive = Date.now();
    handlers.onAlive();
  };
  // The server pings each socket once a minute only: the bot pings more often, and every answer (a pong) says it is alive.
  const pingEveryMs = Math.max(100, Math.min(30_000, options.silenceMs / 3));
  const timer = setInterval(() => {
    if (Date.now() - lastAlive > options.silenceMs) socket.terminate();
    else if (socket.readyState === WebSocket.OPEN) socket.ping();
  }, pingEveryMs);
  const close = () => socket.terminate();
  signal.addEventListener('abort', close);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        if (status === 401 || status === 403) reject(new AuthError(status, 'the streaming API refused the token'));
        else if (status === 429) reject(new RateLimitedError(new Date(Date.now() + 60_000)));
        else reject(new TransientServerError(`the streaming API answered ${status}`, status));
        socket.terminate();
      });
      socket.on('error', (error) => reject(new TransientServerError(`stream failed: ${error.message}`, undefined, { cause: error })));
      socket.on('open', () => {
        alive();
        socket.send(JSON.stringify({ type: 'connect', body: { channel: 'main', id: CHANNEL_ID, params: {} } }));
        handlers.onOpen();
      });
      socket.on('ping', alive);
      socket.on('pong', alive);
      socket.on('message', (data) => {
        alive();
        const event = parse(data.toString());
        if (event?.type === 'channel' && event.body?.id === CHANNEL_ID && event.body.type === 'notification' && event.body.body)
          handlers.onNotification(event.body.body as entities.Notification);
      });
      socket.on('close', () => resolve());
    });
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    clearInterval(timer);
    signal.removeEventListener('abort', close);
    socket.terminate();
  }
  if (!signal.aborted) throw new StreamClosedError(Date.now() - lastAlive);
}

interface StreamMessage {
  readonly type?: string;
  readonly body?: { readonly id?: string; readonly type?: string; readonly body?: unknown };
}

function parse(text: string): StreamMessage | undefined {
  try {
    const message = JSON.parse(text) as unknown;
    return typeof message === 'object' && message !== null ? (message as StreamMessage) : undefined;
  } catch {
    return undefined;
  }
}
