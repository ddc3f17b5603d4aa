import { heartbeatAge, writeHeartbeat } from './heartbeat.ts';

/** What GET /healthz answers: 200 and `ok`, or 503 and the reason. */
export interface Health {
  readonly ok: boolean;
  readonly reason: string;
}

/** The worker's sign of life: beaten while it is really connected (and while it opens its data: beatingWhile), read by /healthz and, from the file, by the supervisor. */
export interface Heartbeat {
  beat(): void;
  /** Milliseconds since the last beat; Infinity before the first. */
  ageMs(): number;
}

/** The heartbeat as a file whose modification time is the last beat, which the supervisor watches. */
export function fileHeartbeat(path: string): Heartbeat {
  return { beat: () => writeHeartbeat(path), ageMs: () => heartbeatAge(path) };
}

/**
 * Beats `heartbeat` four times per `timeoutMs` (HEARTBEAT_TIMEOUT_MS) until `work` settles: a worker opening its
 * data (the first load of a full RIB without a snapshot takes tens of seconds,
 * in a child process) is alive while its event loop turns, and must not be
 * replaced for silence before it could connect. A hung event loop beats no more.
 */
export async function beatingWhile<T>(heartbeat: Heartbeat, timeoutMs: number, work: Promise<T>): Promise<T> {
  heartbeat.beat();
  const timer = setInterval(() => heartbeat.beat(), timeoutMs / 4);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export interface HealthInputs {
  /** Whether the listener is connected to the server now, and since when (or since when it is not). */
  readonly connection: { readonly connected: boolean; readonly since: Date };
  readonly heartbeatAgeMs: number;
  /** HEARTBEAT_TIMEOUT_MS: a heartbeat older than this is what the supervisor replaces a worker for. */
  readonly heartbeatTimeoutMs: number;
  /** The server, named in the reason. */
  readonly instanceUrl: string;
}

/**
 * Healthy while connected to the server with a fresh heartbeat: a worker the
 * supervisor would replace, or one that cannot reach its server, is not.
 */
export function healthOf({ connection, heartbeatAgeMs, heartbeatTimeoutMs, instanceUrl }: HealthInputs): Health {
  const since = connection.since.toISOString();
  if (!connection.connected) return { ok: false, reason: `not connected to ${instanceUrl} since ${since}` };
  const age = `heartbeat ${Math.round(heartbeatAgeMs / 1000)} s old`;
  return heartbeatAgeMs > heartbeatTimeoutMs ? { ok: false, reason: age } : { ok: true, reason: `connected since ${since}, ${age}` };
}
