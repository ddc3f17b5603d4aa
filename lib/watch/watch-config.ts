import { integer, type Environment } from '../engine/config.ts';

/** The settings of watches (.env.example documents each). */
export interface WatchConfig {
  /** WATCH_PER_ASKER: watches one account may run at once. */
  readonly perAsker: number;
  /** WATCH_MAX: watches of all askers together; 0 turns watches off. */
  readonly max: number;
  readonly defaultLifetimeDays: number;
  readonly maxLifetimeDays: number;
  /** WATCH_MIN_INTERVAL_MS: no watch is checked more often, whatever its TTL. */
  readonly minIntervalMs: number;
  /** WATCH_BGP_INTERVAL_MS: how often a BGP watch is checked besides after each reload of the table or the VRPs. */
  readonly bgpIntervalMs: number;
  /** WATCH_DAILY_CHANGES: changes told per watch and UTC day before it is muted until the next. */
  readonly dailyChanges: number;
  /** WATCH_CHECKS_PER_MINUTE: the queries all watches of this process may ask per minute together. */
  readonly checksPerMinute: number;
  /** WATCH_VISIBILITY_PERCENT: a route seen by fewer of the peers counts as poorly visible. */
  readonly visibilityThreshold: number;
  /** DATABASE_URL: PostgreSQL shared by replicas; else SQLite in STATE_DIR. */
  readonly databaseUrl?: string;
  /** How long one check holds its watch before another replica may take it (a dead replica's). */
  readonly leaseMs: number;
}

const DAY_MS = 86_400_000;

export function readWatchConfig(env: Environment): WatchConfig {
  const maxLifetimeDays = integer(env, 'WATCH_MAX_LIFETIME_DAYS', 30, 1, 30);
  return {
    perAsker: integer(env, 'WATCH_PER_ASKER', 5, 1, 1000),
    max: integer(env, 'WATCH_MAX', 10_000, 0, 10_000_000),
    defaultLifetimeDays: Math.min(integer(env, 'WATCH_LIFETIME_DAYS', 7, 1, 30), maxLifetimeDays),
    maxLifetimeDays,
    minIntervalMs: integer(env, 'WATCH_MIN_INTERVAL_MS', 300_000, 100, DAY_MS),
    bgpIntervalMs: integer(env, 'WATCH_BGP_INTERVAL_MS', 900_000, 100, DAY_MS),
    dailyChanges: integer(env, 'WATCH_DAILY_CHANGES', 3, 1, 1000),
    checksPerMinute: integer(env, 'WATCH_CHECKS_PER_MINUTE', 600, 1, 10_000_000),
    visibilityThreshold: integer(env, 'WATCH_VISIBILITY_PERCENT', 50, 1, 100) / 100,
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    leaseMs: integer(env, 'WATCH_LEASE_MS', 120_000, 1000, 3_600_000),
  };
}
