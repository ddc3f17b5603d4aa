/**
 * How the Mastodon-compatible servers a bot meets differ from Mastodon, as
 * one table of facts per server ("flavour"), each with the server source it
 * comes from (research notes: notes/servers/*.md). The other modules read
 * their behaviour from here instead of testing the flavour's name:
 *
 *   mastodon    Mastodon 4.3 (the default; what the rest of this folder follows)
 *   hollo       Hollo 0.10.0, fedify-dev/hollo 640cd426
 *   gotosocial  GoToSocial 0.20, superseriousbusiness/gotosocial 57cb4fe7
 *   akkoma      Akkoma 3.16.0, AkkomaGang/akkoma (mirror BDX-town/Akkoma 071bb07a)
 *   sharkey     Sharkey 2025.5.2, packages/backend/src (mirror xiaocongyu66/Sharkey-dev 305a19b8)
 *
 * The renderers of posted text are in flavour-html.ts, each following its
 * server's formatter; this table only says which one a flavour uses.
 */
import { ApiError } from './api-error.ts';
import type { ServerIdStyle } from './ids.ts';
import { isoWithMicroseconds, throttledResponse } from './rate-limit.ts';
import { jsonResponse, type PlainResponse } from './responses.ts';
import { countableLength } from './status-length.ts';
import type { Visibility } from './store.ts';

export const flavours = ['mastodon', 'hollo', 'gotosocial', 'akkoma', 'sharkey'] as const;
export type Flavour = (typeof flavours)[number];

export type Renderer = 'mastodon' | 'hollo' | 'gotosocial' | 'akkoma' | 'sharkey';

/** What the servers' instance endpoints need to know about this one. */
export interface InstanceFacts {
  readonly domain: string;
  readonly baseUrl: string;
  readonly apiUrl: string;
  /** The streaming URL the server advertises, if any (for Sharkey: Misskey's, not Mastodon's). */
  readonly streamingUrl: string | undefined;
  readonly maxCharacters: number;
}

export interface NotificationPaging {
  /** `limit` when absent (or, where noted, 0). */
  readonly defaultLimit: number;
  /** Larger limits are clamped to this (`clamp`) or refused (`reject`); undefined: no maximum. */
  readonly maxLimit: number | undefined;
  readonly overMax: 'clamp' | 'reject';
  /** Parses `limit`; returns the limit or an error response. */
  readonly parseLimit: (value: string | undefined) => number | PlainResponse;
  /** The parameter that filters types: Mastodon's `types[]`, Akkoma's `include_types[]`, or none at all (Sharkey). */
  readonly typesParam: 'types' | 'include_types' | undefined;
  readonly excludeTypes: boolean;
  /** GoToSocial: a filter of only unknown types filters nothing. */
  readonly unknownTypesMeanAll: boolean;
  /**
   * `min_id`: `after` = the page right after it (Mastodon), `since` = read as
   * `since_id` (Hollo ANDs both; Sharkey's megalodon overwrites since_id).
   */
  readonly minId: 'after' | 'since';
  /** With `min_id`, `since_id` is dropped (Mastodon, GoToSocial) or applied as well (Akkoma). */
  readonly minIdDropsSinceId: boolean;
  /**
   * `since_id` without `max_id`: `newest` = the newest page above it
   * (Mastodon), `after-oldest-first` = the page right after it, oldest first
   * (Sharkey's XRANGE).
   */
  readonly sinceId: 'newest' | 'after-oldest-first';
  /** Notifications without a status (follows) are left out (Sharkey's convertNotification). */
  readonly dropsWithoutStatus: boolean;
  /** Hollo sends `rel="next"` only for a full page. */
  readonly nextLinkOnlyWhenFull: boolean;
}

export interface FlavourFacts {
  /** nodeinfo `software`, and the base of the instance `version`. */
  readonly software: { readonly name: string; readonly version: string; readonly homepage?: string; readonly repository?: string };
  readonly ids: { readonly accounts: ServerIdStyle; readonly statuses: ServerIdStyle; readonly notifications: ServerIdStyle };
  readonly notifications: NotificationPaging;
  /** `configuration.statuses.max_characters` by default. */
  readonly maxCharacters: number;
  /** `mastodon`: the streaming API; `none`: nothing; `misskey`: any WebSocket upgrade is taken but speaks Misskey's protocol. */
  readonly streaming: 'mastodon' | 'none' | 'misskey';
  /** The streams a `{"type":"subscribe"}` message may add; others are ignored. Undefined: all (Mastodon). */
  readonly subscribableStreams?: readonly string[];
  /** The streaming URL advertised in the instance entities, from the server's WebSocket base. */
  readonly advertisedStreamingUrl: (wsBase: string) => string | undefined;
  /** Rewrites Mastodon's instance entities into the server's; undefined v2: the route does not exist (answer given). */
  readonly instanceV1: (mastodon: Record<string, unknown>, facts: InstanceFacts) => Record<string, unknown>;
  readonly instanceV2: ((mastodon: Record<string, unknown>, facts: InstanceFacts) => Record<string, unknown>) | PlainResponse;
  readonly renderer: Renderer;
  /** Throws the server's error when a local status is too long; undefined: no check at all. */
  readonly checkLength: ((text: string, spoilerText: string, max: number) => void) | undefined;
  /** The error for a blank status. */
  readonly blankError: ApiError;
  readonly idempotency: boolean;
  /** Visibility names accepted on POST, with what is stored and shown. */
  readonly visibilities: Readonly<Record<string, Visibility>>;
  /** An unknown visibility: an error, or ignored (the default is used). */
  readonly invalidVisibility: ApiError | 'default';
  /** The visibility when none is given; `parent` = a reply inherits its parent's. */
  readonly defaultVisibility: Visibility | 'parent';
  /** A reply to a direct status must be direct, or this error. */
  readonly directReplyError: ApiError | undefined;
  /** The replied-to author is mentioned (and notified) even when the text does not mention them (Sharkey's NoteCreateService). */
  readonly mentionsParentAuthor: boolean;
  /** The 429 answer; `headers` false: no X-RateLimit-* on any response. */
  readonly rateLimit: { readonly headers: boolean; readonly throttled: (limit: number, resetAt: number) => PlainResponse };
}

function clampedLimit(defaultLimit: number, min: number, max: number | undefined): (value: string | undefined) => number {
  return (value) => {
    const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
    if (Number.isNaN(parsed) || parsed === 0) return defaultLimit;
    return Math.max(min, max === undefined ? parsed : Math.min(parsed, max));
  };
}

function rateLimitHeaders(limit: number, resetAt: number): Record<string, string> {
  return { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': isoWithMicroseconds(resetAt) };
}

/** Mastodon's instance entities without `configuration` (Akkoma has none), keeping `urls`. */
function withoutKey(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

function withStatusLimits(object: Record<string, unknown>, limits: Record<string, unknown>): Record<string, unknown> {
  const configuration = (object.configuration ?? {}) as Record<string, unknown>;
  const statuses = (configuration.statuses ?? {}) as Record<string, unknown>;
  return { ...object, configuration: { ...configuration, statuses: { ...statuses, ...limits } } };
}

const MASTODON: FlavourFacts = {
  software: { name: 'mastodon', version: '4.3.0', homepage: 'https://joinmastodon.org', repository: 'https://github.com/mastodon/mastodon' },
  ids: { accounts: 'numeric', statuses: 'numeric', notifications: 'numeric' },
  // app/controllers/api/v1/notifications_controller.rb, app/models/concerns/paginable.rb, Api::BaseController#limit_param.
  notifications: {
    defaultLimit: 40,
    maxLimit: 80,
    overMax: 'clamp',
    parseLimit: (value) => (value === undefined ? 40 : Math.min(Math.abs(Number.parseInt(value, 10) || 0), 80)),
    typesParam: 'types',
    excludeTypes: true,
    unknownTypesMeanAll: false,
    minId: 'after',
    minIdDropsSinceId: true,
    sinceId: 'newest',
    dropsWithoutStatus: false,
    nextLinkOnlyWhenFull: false,
  },
  maxCharacters: 500,
  streaming: 'mastodon',
  advertisedStreamingUrl: (wsBase) => wsBase,
  instanceV1: (mastodon) => mastodon,
  instanceV2: (mastodon) => mastodon,
  renderer: 'mastodon',
  // app/validators/status_length_validator.rb: URLs count 23, mentions without their domain, grapheme clusters.
  checkLength: (text, spoilerText, max) => {
    if (countableLength(text, spoilerText) > max) throw new ApiError(422, `Validation failed: Text character limit of ${max} exceeded`);
  },
  blankError: new ApiError(422, "Validation failed: Text can't be blank"),
  idempotency: true,
  visibilities: { public: 'public', unlisted: 'unlisted', private: 'private', direct: 'direct' },
  invalidVisibility: new ApiError(422, 'Validation failed: Visibility is not included in the list'),
  defaultVisibility: 'public',
  directReplyError: undefined,
  mentionsParentAuthor: false,
  // config/initializers/rack_attack.rb: 429 {"error":"Too many requests"} with X-RateLimit-*.
  rateLimit: { headers: true, throttled: throttledResponse },
};

const HOLLO: FlavourFacts = {
  // package.json "version": "0.10.0"; src/federation/nodeinfo.ts computeNodeInfo.
  software: { name: 'hollo', version: '0.10.0', homepage: 'https://docs.hollo.social/', repository: 'https://github.com/fedify-dev/hollo' },
  // Status IDs: uuidv7() in src/api/v1/statuses.ts; notification IDs: `${created.toISOString()}/${type}/${uuid}` (src/api/v1/notifications.ts).
  ids: { accounts: 'uuidv7', statuses: 'uuidv7', notifications: 'hollo-notification' },
  // src/api/v1/notifications.ts: limit parseInt(limit ?? "40") with no maximum; min_id is gt(created, …) like since_id; always newest first.
  notifications: {
    defaultLimit: 40,
    maxLimit: undefined,
    overMax: 'clamp',
    parseLimit: (value) => {
      const parsed = Number.parseInt(value ?? '40', 10);
      return Number.isNaN(parsed) ? 40 : parsed;
    },
    typesParam: 'types',
    excludeTypes: true,
    unknownTypesMeanAll: false,
    minId: 'since',
    minIdDropsSinceId: false,
    sinceId: 'newest',
    dropsWithoutStatus: false,
    nextLinkOnlyWhenFull: true,
  },
  // src/api/v1/instance.ts and src/api/v2/instance.ts: max_characters 10000 (advertised only).
  maxCharacters: 10_000,
  // No streaming route anywhere in src/api (the instance files carry "TODO: streaming_api URL").
  streaming: 'none',
  advertisedStreamingUrl: () => undefined,
  // v1: urls {} (TODO), version "0.10.0", characters_reserved_per_url 256.
  instanceV1: (mastodon, facts) => ({
    ...withStatusLimits(mastodon, { max_characters: facts.maxCharacters, max_media_attachments: 8, characters_reserved_per_url: 256 }),
    urls: {},
    version: '0.10.0',
  }),
  // v2: no configuration.urls at all, api_versions {mastodon: 7}, source_url of Hollo.
  instanceV2: (mastodon, facts) => {
    const limited = withStatusLimits(mastodon, { max_characters: facts.maxCharacters, max_media_attachments: 8, characters_reserved_per_url: 256 });
    return {
      ...limited,
      version: '0.10.0',
      source_url: 'https://github.com/fedify-dev/hollo',
      api_versions: { mastodon: 7 },
      configuration: withoutKey(limited.configuration as Record<string, unknown>, 'urls'),
    };
  },
  // src/text.ts formatText: markdown-it with linkify (fuzzyLink), @fedify/markdown-it-mention and -hashtag.
  renderer: 'hollo',
  // The POST handler never measures the text.
  checkLength: undefined,
  // createStatusSchema: status z.string().min(1) → 422 {"error":"invalid_request", zod_error}.
  blankError: new ApiError(422, 'invalid_request'),
  // src/api/v1/statuses.ts: posts.idempotenceKey of the same account within an hour.
  idempotency: true,
  visibilities: { public: 'public', unlisted: 'unlisted', private: 'private', direct: 'direct' },
  invalidVisibility: new ApiError(422, 'invalid_request'),
  defaultVisibility: 'public',
  directReplyError: undefined,
  mentionsParentAuthor: false,
  // No rate limits in src/api; a 429 can only come from a proxy in front.
  rateLimit: { headers: false, throttled: () => jsonResponse(429, { error: 'Too many requests' }) },
};

const GOTOSOCIAL: FlavourFacts = {
  // cmd/gotosocial/main.go version(): Version + "+git-<7 hex>"; internal/processing/fedi/wellknown.go.
  software: {
    name: 'gotosocial',
    version: '0.20.0+git-abc1234',
    homepage: 'https://docs.gotosocial.org',
    repository: 'https://codeberg.org/superseriousbusiness/gotosocial',
  },
  // internal/id/ulid.go NewULID for notifications, statuses and accounts.
  ids: { accounts: 'ulid', statuses: 'ulid', notifications: 'ulid' },
  // internal/paging/parse.go ParseLimit(min 1, max 80, default 20); internal/paging/boundary.go: min_id wins over since_id.
  notifications: {
    defaultLimit: 20,
    maxLimit: 80,
    overMax: 'clamp',
    parseLimit: (value) => {
      if (value === undefined || value === '') return 20;
      if (!/^-?\d+$/.test(value)) return jsonResponse(400, { error: 'Bad Request: bad integer limit value' });
      return clampedLimit(20, 1, 80)(value);
    },
    typesParam: 'types',
    excludeTypes: true,
    unknownTypesMeanAll: true,
    minId: 'after',
    minIdDropsSinceId: true,
    sinceId: 'newest',
    dropsWithoutStatus: false,
    nextLinkOnlyWhenFull: false,
  },
  // internal/config/defaults.go StatusesMaxChars.
  maxCharacters: 5000,
  // internal/api/client/streaming: WebSocket at /api/v1/streaming.
  streaming: 'mastodon',
  // internal/api/client/streaming/stream.go readFromWSConn: a subscribe message may add only a stream of
  // stream.AllStatusTimelines (user, public, public:local, direct, list), never user:notification, and an
  // unknown one is ignored without a word; only the query string can choose user:notification.
  subscribableStreams: ['public:local', 'public', 'user', 'direct', 'list'],
  advertisedStreamingUrl: (wsBase) => wsBase,
  // typeutils/internaltofrontend.go InstanceToAPIV1Instance: max_toot_chars, urls.streaming_api, characters_reserved_per_url 25.
  instanceV1: (mastodon, facts) => ({
    ...withStatusLimits(mastodon, {
      max_characters: facts.maxCharacters,
      characters_reserved_per_url: 25,
      supported_mime_types: ['text/plain', 'text/markdown'],
    }),
    version: '0.20.0+git-abc1234',
    max_toot_chars: facts.maxCharacters,
  }),
  // InstanceToAPIV2Instance: configuration.urls.streaming, source_url.
  instanceV2: (mastodon, facts) => ({
    ...withStatusLimits(mastodon, {
      max_characters: facts.maxCharacters,
      characters_reserved_per_url: 25,
      supported_mime_types: ['text/plain', 'text/markdown'],
    }),
    version: '0.20.0+git-abc1234',
    source_url: 'https://codeberg.org/superseriousbusiness/gotosocial',
  }),
  // internal/text/plain.go FromPlain, markdown.go FromMarkdown.
  renderer: 'gotosocial',
  // processing/status/common.go validateStatusContent: len([]rune(status)) + len([]rune(spoiler_text)).
  checkLength: (text, spoilerText, max) => {
    if ([...text].length + [...spoilerText].length > max) throw new ApiError(400, `Bad Request: text with spoiler exceed max chars (${max})`);
  },
  blankError: new ApiError(400, 'Bad Request: status contains no text, media or poll'),
  // Idempotency-Key appears only in the CORS allow-list (internal/middleware/cors.go).
  idempotency: false,
  // typeutils/frontendtointernal.go APIVisToVis; VisToAPIVis shows mutuals_only as private.
  visibilities: { public: 'public', unlisted: 'unlisted', private: 'private', mutuals_only: 'private', direct: 'direct' },
  invalidVisibility: new ApiError(422, 'Unprocessable Entity: invalid visibility'),
  // gtsmodel/status.go VisibilityDefault for new accounts.
  defaultVisibility: 'unlisted',
  directReplyError: undefined,
  mentionsParentAuthor: false,
  // internal/middleware/ratelimit.go: X-RateLimit-* like Mastodon's, 429 {"error":"rate limit reached"}.
  rateLimit: {
    headers: true,
    throttled: (limit, resetAt) => jsonResponse(429, { error: 'rate limit reached' }, rateLimitHeaders(limit, resetAt)),
  },
};

const AKKOMA_VERSION = '2.7.2 (compatible; Akkoma 3.16.0)';

const AKKOMA: FlavourFacts = {
  // lib/pleroma/web/nodeinfo/nodeinfo.ex get_nodeinfo: name "akkoma", version without the "Akkoma " prefix.
  software: { name: 'akkoma', version: '3.16.0', repository: 'https://akkoma.dev/AkkomaGang/akkoma' },
  // Notifications: bigserial (priv/repo/migrations/20170911123607_create_notifications.exs); activities and users: FlakeId.
  ids: { accounts: 'flake', statuses: 'flake', notifications: 'numeric' },
  // lib/pleroma/pagination.ex: @default_limit 20, @max_limit 40; min_id ASC then reversed; types[] dropped by CastAndValidate.
  notifications: {
    defaultLimit: 20,
    maxLimit: 40,
    overMax: 'clamp',
    parseLimit: clampedLimit(20, 1, 40),
    typesParam: 'include_types',
    excludeTypes: true,
    unknownTypesMeanAll: false,
    minId: 'after',
    minIdDropsSinceId: false,
    sinceId: 'newest',
    dropsWithoutStatus: false,
    nextLinkOnlyWhenFull: false,
  },
  // config/config.exs: limit: 5_000.
  maxCharacters: 5000,
  // config/config.exs: "/api/v1/streaming" → Pleroma.Web.MastodonAPI.WebsocketHandler.
  streaming: 'mastodon',
  advertisedStreamingUrl: (wsBase) => wsBase,
  // lib/pleroma/web/mastodon_api/views/instance_view.ex render("show.json"): max_toot_chars, no configuration, pleroma.metadata.
  instanceV1: (mastodon, facts) => ({
    ...withoutKey(mastodon, 'configuration'),
    version: AKKOMA_VERSION,
    max_toot_chars: facts.maxCharacters,
    urls: facts.streamingUrl ? { streaming_api: facts.streamingUrl } : {},
    poll_limits: { max_expiration: 31_536_000, max_option_chars: 200, max_options: 20, min_expiration: 0 },
    upload_limit: 16_000_000,
    pleroma: {
      metadata: {
        account_activation_required: false,
        features: ['pleroma_api', 'mastodon_api', 'mastodon_api_streaming', 'pleroma:api/v1/notifications:include_types_filter', 'quote_posting', 'editing'],
        federation: { enabled: true, exclusions: false },
        fields_limits: { max_fields: 10, max_remote_fields: 20, name_length: 512, value_length: 2048 },
        post_formats: ['text/plain', 'text/html', 'text/markdown', 'text/bbcode', 'text/x.misskeymarkdown'],
        privileged_staff: false,
      },
      stats: { mau: 1 },
      vapid_public_key: '',
    },
  }),
  // lib/pleroma/web/router.ex has no /api/v2/instance: RedirectController.api_not_implemented.
  instanceV2: jsonResponse(404, { error: 'Not implemented' }),
  // lib/pleroma/web/common_api/utils.ex format_input, lib/pleroma/formatter.ex.
  renderer: 'akkoma',
  // Utils.validate_character_limit: String.length (graphemes) of the trimmed status <> spoiler_text, URLs at full length.
  checkLength: (text, spoilerText, max) => {
    if (graphemeCount((text + spoilerText).trim()) > max) throw new ApiError(422, 'The status is over the character limit');
  },
  blankError: new ApiError(422, 'Cannot post an empty status without attachments'),
  // lib/pleroma/web/plugs/idempotency_plug.ex.
  idempotency: true,
  // Schemas.VisibilityScope and CommonAPI.get_visibility/3: `local` is local-only.
  visibilities: { public: 'public', unlisted: 'unlisted', local: 'local', private: 'private', direct: 'direct' },
  // CastAndValidate drops an :invalid_enum value, so the default applies.
  invalidVisibility: 'default',
  defaultVisibility: 'parent',
  // lib/pleroma/web/common_api/activity_draft.ex visibility/1.
  directReplyError: new ApiError(422, 'The message visibility must be direct'),
  mentionsParentAuthor: false,
  // lib/pleroma/web/plugs/rate_limiter.ex render_throttled_error: no X-RateLimit-* headers.
  rateLimit: { headers: false, throttled: () => jsonResponse(429, { error: 'Throttled' }) },
};

const SHARKEY_VERSION = '3.0.0 (compatible; Sharkey 2025.5.2; like Akkoma)';

/** Errors of Sharkey's Mastodon layer: `{error: CODE, error_description}` (MastodonLogger.getErrorData). */
function sharkeyError(status: number, code: string, description: string): ApiError {
  return new ApiError(status, code, {}, { error_description: description });
}

const SHARKEY: FlavourFacts = {
  // server/NodeinfoServerService.ts: software.name "sharkey", version config.version.
  software: {
    name: 'sharkey',
    version: '2025.5.2',
    homepage: 'https://activitypub.software/TransFem-org/Sharkey',
    repository: 'https://activitypub.software/TransFem-org/Sharkey',
  },
  // misc/id/aidx.ts.
  ids: { accounts: 'aidx', statuses: 'aidx', notifications: 'aidx' },
  // server/api/endpoints/i/notifications.ts (limit 1..100, default 10) under megalodon getNotifications (min_id → sinceId);
  // core/NotificationService.ts getNotifications: sinceId alone is XRANGE (oldest first).
  notifications: {
    defaultLimit: 10,
    maxLimit: 100,
    overMax: 'reject',
    parseLimit: (value) => {
      const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
      if (Number.isNaN(parsed) || parsed === 0) return 10;
      if (parsed > 100 || parsed < 1) return sharkeyError(400, 'INVALID_PARAM', 'Invalid param.').toResponse();
      return parsed;
    },
    typesParam: undefined,
    excludeTypes: false,
    unknownTypesMeanAll: false,
    minId: 'since',
    minIdDropsSinceId: true,
    sinceId: 'after-oldest-first',
    dropsWithoutStatus: true,
    nextLinkOnlyWhenFull: false,
  },
  // config.ts maxNoteLength.
  maxCharacters: 3000,
  // No /v1/streaming in server/api/mastodon; StreamingApiServerService takes every upgrade for Misskey's protocol.
  streaming: 'misskey',
  advertisedStreamingUrl: (wsBase) => `${wsBase}/streaming`,
  // server/api/mastodon/endpoints/instance.ts and megalodon's meta: version "3.0.0 (compatible; Sharkey …; like Akkoma)".
  instanceV1: (mastodon, facts) => ({
    ...withStatusLimits(mastodon, { max_characters: facts.maxCharacters, max_media_attachments: 16, characters_reserved_per_url: facts.baseUrl.length }),
    version: SHARKEY_VERSION,
    urls: facts.streamingUrl ? { streaming_api: facts.streamingUrl } : {},
  }),
  instanceV2: (mastodon, facts) => {
    const limited = withStatusLimits(mastodon, {
      max_characters: facts.maxCharacters,
      max_media_attachments: 16,
      characters_reserved_per_url: facts.baseUrl.length,
    });
    const configuration = limited.configuration as Record<string, unknown>;
    const urls = configuration.urls as Record<string, unknown>;
    return { ...limited, version: SHARKEY_VERSION, configuration: { ...configuration, urls: { ...urls, streaming: facts.streamingUrl } } };
  },
  // core/MfmService.ts toMastoApiHtml(mfm.parse(text)).
  renderer: 'sharkey',
  // endpoints/notes/create.ts: ps.text.length (UTF-16) > maxNoteLength → MAX_LENGTH, HTTP 400.
  checkLength: (text, _spoilerText, max) => {
    if (text.length > max) throw sharkeyError(400, 'MAX_LENGTH', 'You tried posting a note which is too long.');
  },
  blankError: sharkeyError(400, 'INVALID_PARAM', 'Invalid param.'),
  // No Idempotency-Key anywhere in packages/backend/src or megalodon.
  idempotency: false,
  // megalodon encodeVisibility: public/home/followers/specified.
  visibilities: { public: 'public', unlisted: 'unlisted', private: 'private', direct: 'direct' },
  invalidVisibility: 'default',
  defaultVisibility: 'public',
  // endpoints/notes/create.ts: replying to a specified note with a wider visibility.
  directReplyError: sharkeyError(
    400,
    'CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY',
    'You cannot reply to a specified visibility note with extended visibility.',
  ),
  mentionsParentAuthor: true,
  // ApiCallService: RATE_LIMIT_EXCEEDED 429; the Mastodon error handler sends the body only.
  rateLimit: {
    headers: false,
    throttled: () => jsonResponse(429, { error: 'RATE_LIMIT_EXCEEDED', error_description: 'Rate limit exceeded. Please try again later.' }),
  },
};

export const FLAVOURS: Readonly<Record<Flavour, FlavourFacts>> = {
  mastodon: MASTODON,
  hollo: HOLLO,
  gotosocial: GOTOSOCIAL,
  akkoma: AKKOMA,
  sharkey: SHARKEY,
};

export function flavourFacts(flavour: Flavour = 'mastodon'): FlavourFacts {
  const facts = FLAVOURS[flavour];
  if (!facts) throw new Error(`unknown flavour ${String(flavour)}`);
  return facts;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function graphemeCount(text: string): number {
  return [...graphemes.segment(text)].length;
}

/** The nodeinfo 2.1 document (every flavour serves one; Mastodon's NodeInfo::Serializer). */
export function nodeinfo(facts: FlavourFacts, usage: { users: number; localPosts: number }): Record<string, unknown> {
  const { name, version, homepage, repository } = facts.software;
  return {
    version: '2.1',
    software: { name, version, ...(repository ? { repository } : {}), ...(homepage ? { homepage } : {}) },
    protocols: ['activitypub'],
    services: { outbound: [], inbound: [] },
    usage: { users: { total: usage.users, activeMonth: usage.users, activeHalfyear: usage.users }, localPosts: usage.localPosts },
    openRegistrations: false,
    metadata: {},
  };
}
