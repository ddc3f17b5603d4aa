/**
 * Which client API the bot speaks to its server, and the client for it:
 * Mastodon's wherever the server has it (Mastodon, Pleroma, Akkoma,
 * GoToSocial, Hollo, and Misskey's forks that carry a Mastodon layer, like
 * Sharkey), Misskey's own where it has not (Misskey itself), or what
 * FEDIVERSE_API says.
 */
import type { Fediverse } from './fediverse.ts';
import { TransientServerError } from './errors.ts';
import { softwareOfNodeinfo, speaksMisskeyApi } from './instance-facts.ts';
import { MastodonClient, type MastodonClientOptions } from './mastodon-client.ts';
import { fetchNodeinfo } from './nodeinfo.ts';
import { errorMessage } from '../ops/error-fields.ts';

export const fediverseApis = ['mastodon', 'misskey'] as const;
export type FediverseApi = (typeof fediverseApis)[number];

export interface FediverseChoice {
  readonly api: FediverseApi;
  /** Why, for the log: `sharkey has Mastodon's API`, `misskey has no Mastodon API`, `FEDIVERSE_API`. */
  readonly reason: string;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * `auto`: Mastodon's API where /api/v1/instance answers; where it does not,
 * Misskey's if nodeinfo names Misskey or a fork that keeps its API, else
 * Mastodon's still (whose client then says what is missing). A network error
 * or a 5xx is a TransientServerError, to be tried again: an unreachable
 * server says nothing about its API.
 */
export async function chooseFediverseApi(url: string, setting: FediverseApi | 'auto'): Promise<FediverseChoice> {
  if (setting !== 'auto') return { api: setting, reason: 'FEDIVERSE_API' };
  const mastodon = await hasMastodonApi(url);
  const software = softwareOfNodeinfo(await fetchNodeinfo(url));
  const name = software?.name ?? 'the server';
  if (mastodon) return { api: 'mastodon', reason: `${name} has Mastodon's API` };
  if (software && speaksMisskeyApi(software)) return { api: 'misskey', reason: `${name} has no Mastodon API` };
  return { api: 'mastodon', reason: `${name} has no Mastodon API, and nodeinfo names no Misskey` };
}

async function hasMastodonApi(url: string): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/instance', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    throw new TransientServerError(`cannot reach ${url}: ${errorMessage(error)}`, undefined, { cause: error });
  }
  await response.body?.cancel();
  if (response.status >= 500 || response.status === 429) throw new TransientServerError(`${url}/api/v1/instance answered ${response.status}`, response.status);
  return response.ok;
}

/** The client for the API chosen. */
export async function openFediverse(api: FediverseApi, options: MastodonClientOptions): Promise<Fediverse> {
  if (api === 'mastodon') return new MastodonClient(options);
  // Loaded only where it is spoken: misskey-js and mfm-js take a fifth of a second to load, out of the few seconds a
  // worker has to sign in and connect before its first heartbeat.
  const { MisskeyClient } = await import('./misskey/misskey-client.ts');
  return new MisskeyClient(options);
}
