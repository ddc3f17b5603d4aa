/**
 * A watch world in one process for unit tests: the real engine and watch
 * code over a resolver whose answers a test scripts, a server in memory, a
 * clock the test moves, and a real store (SQLite, or a PostgreSQL URL).
 */
import { LookingGlass } from '../../../lib/engine/looking-glass.ts';
import { readEngineConfig } from '../../../lib/engine/config.ts';
import type { DnsQuestion, DnsResponse, Resolver } from '../../../lib/dns/resolver.ts';
import type { InstanceFacts, MentionStatus } from '../../../lib/fediverse/fediverse.ts';
import { parseIpAddress } from '../../../lib/net/ip-address.ts';
import { parseBlockList, type BlockList } from '../../../lib/policy/block-list.ts';
import { silentLogger } from '../../../lib/ops/logger.ts';
import type { CommandAnswer } from '../../../lib/watch/mention-commands.ts';
import { readWatchConfig, type WatchConfig } from '../../../lib/watch/watch-config.ts';
import { WatchDesk } from '../../../lib/watch/watch-desk.ts';
import type { WatchStore } from '../../../lib/watch/watch-store.ts';
import { Watcher } from '../../../lib/watch/watcher.ts';
import { ThreadPoster } from '../../../lib/fediverse/thread-poster.ts';
import { BOT, FACTS, MemoryFediverse } from '../fediverse/memory-fediverse.ts';

/** Answers A questions with the addresses a test sets per name; every answer has a TTL of 60 s. */
export class ScriptedResolver implements Resolver {
  readonly upstreams = ['scripted'];
  readonly answers = new Map<string, readonly string[]>();
  asked = 0;

  async resolve(question: DnsQuestion): Promise<DnsResponse> {
    this.asked++;
    const addresses = this.answers.get(question.name) ?? [];
    return {
      question,
      rcode: this.answers.has(question.name) ? 0 : 3,
      authenticated: false,
      authoritative: true,
      answers: addresses.map((a) => ({ name: question.name, type: 1, ttl: 60, rdata: { kind: 'address', address: parseIpAddress(a)! } })),
      authorities: [],
      additionals: [],
      extendedErrors: [],
      upstream: 'scripted',
      transport: 'udp',
      elapsedMs: 0,
    };
  }
}

export interface WatchWorld {
  readonly resolver: ScriptedResolver;
  /** Another resolver, `via quad9`, for `compare`. */
  readonly quad9: ScriptedResolver;
  readonly fediverse: MemoryFediverse;
  readonly config: WatchConfig;
  readonly desk: WatchDesk;
  /** The clock every part reads; tests move it. */
  clock: number;
  blocked: BlockList;
  /** A watcher (a worker, a replica) with its own lease owner. */
  watcher(owner: string): Watcher;
  /** Says `text` to the bot as `acct` and returns the answer and the status. */
  say(acct: string, text: string, options?: { inReplyToId?: string; visibility?: string }): Promise<{ status: MentionStatus; answer: CommandAnswer }>;
}

export const START = Date.UTC(2026, 11, 1, 8);

export function watchWorld(store: WatchStore, env: Record<string, string> = {}, server: InstanceFacts = FACTS): WatchWorld {
  const resolver = new ScriptedResolver();
  const quad9 = new ScriptedResolver();
  const engine = new LookingGlass(readEngineConfig({ DNS_UPSTREAM: '127.0.0.1:53' }), {
    resolvers: new Map([
      ['', resolver],
      ['quad9', quad9],
    ]),
  });
  const config = readWatchConfig({ WATCH_MIN_INTERVAL_MS: '60000', WATCH_LEASE_MS: '30000', WATCH_CHECKS_PER_MINUTE: '100000', ...env });
  const fediverse = new MemoryFediverse();
  const world: WatchWorld = {
    resolver,
    quad9,
    fediverse,
    config,
    clock: START,
    blocked: parseBlockList([]),
    desk: new WatchDesk({ store, engine, sources: engine.sources(), config, now: () => world.clock, random: () => 0 }),
    watcher: (owner) =>
      new Watcher({
        store,
        engine,
        sources: engine.sources(),
        poster: new ThreadPoster({ fediverse, me: BOT, server, maxParts: 4 }),
        config,
        blockList: () => world.blocked,
        logger: silentLogger(),
        owner,
        now: () => world.clock,
        random: () => 0,
      }),
    async say(acct, text, options = {}) {
      const { status } = fediverse.mention(acct, text, options.visibility ?? 'public');
      const asked = { ...status!, inReplyToId: options.inReplyToId };
      const command = world.desk.read(text);
      if (!command) throw new Error(`“${text}” is no watch command`);
      const answer = await command.answer({ status: asked, mention: `@${acct}`, visibility: 'public' });
      // The responder posts the answer in the thread, and tells the watch the ids.
      const ids = [
        (
          await fediverse.postReply({
            text: answer.lines.map((l) => l.text).join('\n'),
            inReplyToId: status!.id,
            visibility: 'public',
            markup: 'plain',
            idempotencyKey: `q-${status!.id}`,
          })
        ).id,
      ];
      await answer.posted?.(ids);
      return { status: asked, answer };
    },
  };
  return world;
}
