/**
 * The REST endpoints a bot uses, answering like Mastodon's API controllers
 * (app/controllers/api/v1, api/v2): authentication by Bearer token or
 * `access_token` parameter, 401/404/422 errors as `{"error": …}`, and
 * Link headers on notification pages.
 */
import type { OAuthApps } from './oauth.ts';
import type { IncomingHttpHeaders } from 'node:http';
import { postStatus, type ActivityContext } from './activities.ts';
import { ApiError } from './api-error.ts';
import type { EntityRenderer } from './entities.ts';
import type { InstanceFacts } from './flavours.ts';
import { linkHeader, paginate } from './pagination.ts';
import { arrayParam, booleanParam, stringParam, type Params } from './params.ts';
import { errorResponse, jsonResponse, type PlainResponse } from './responses.ts';
import { NOTIFICATION_TYPES, type AccountRecord, type NotificationRecord, type StatusRecord } from './store.ts';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  /** Query string and body parameters merged, the body winning. */
  readonly params: Params;
  readonly headers: IncomingHttpHeaders;
}

type Route =
  | {
      readonly method: string;
      readonly pattern: RegExp;
      readonly auth: 'required';
      readonly handle: (request: ApiRequest, viewer: AccountRecord, match: RegExpExecArray) => PlainResponse;
    }
  | {
      readonly method: string;
      readonly pattern: RegExp;
      /** `if-given`: anonymous access is fine, but a token that is given must be valid. */
      readonly auth: 'if-given' | 'none';
      readonly handle: (request: ApiRequest, viewer: AccountRecord | undefined, match: RegExpExecArray) => PlainResponse;
    };

/** Doorkeeper's answer to a missing, unknown or revoked token. */
const INVALID_TOKEN = new ApiError(401, 'The access token is invalid', {
  'WWW-Authenticate': 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"',
});
const RECORD_NOT_FOUND = new ApiError(404, 'Record not found');

export class RestApi {
  readonly #context: ActivityContext;
  readonly #renderer: EntityRenderer;
  readonly #routes: readonly Route[];

  readonly #oauth: OAuthApps;

  constructor(context: ActivityContext, renderer: EntityRenderer, oauth: OAuthApps) {
    this.#context = context;
    this.#renderer = renderer;
    this.#oauth = oauth;
    this.#routes = this.#defineRoutes();
  }

  /** The token of a request: `Authorization: Bearer …` first, then `access_token`. */
  static tokenOf(request: ApiRequest): string | undefined {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
    return stringParam(request.params, 'access_token');
  }

  handle(request: ApiRequest): PlainResponse {
    for (const route of this.#routes) {
      const match = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (!match) continue;
      try {
        if (route.auth === 'required') return route.handle(request, this.#signedIn(request), match);
        return route.handle(request, route.auth === 'none' ? undefined : this.#maybeSignedIn(request), match);
      } catch (error) {
        if (error instanceof ApiError) return error.toResponse();
        throw error;
      }
    }
    return errorResponse(404, 'Not Found');
  }

  #signedIn(request: ApiRequest): AccountRecord {
    const token = RestApi.tokenOf(request);
    const account = token === undefined ? undefined : this.#context.store.accountByToken(token);
    if (!account) throw INVALID_TOKEN;
    return account;
  }

  #maybeSignedIn(request: ApiRequest): AccountRecord | undefined {
    return RestApi.tokenOf(request) === undefined ? undefined : this.#signedIn(request);
  }

  #defineRoutes(): Route[] {
    const json = (body: unknown) => jsonResponse(200, body);
    const render = this.#renderer;
    return [
      { method: 'GET', pattern: /^\/api\/v1\/accounts\/verify_credentials$/, auth: 'required', handle: (_r, viewer) => json(render.credentialAccount(viewer)) },
      { method: 'GET', pattern: /^\/api\/v1\/accounts\/lookup$/, auth: 'if-given', handle: (r) => json(render.account(this.#lookup(r.params))) },
      { method: 'GET', pattern: /^\/api\/v1\/accounts\/([^/]+)$/, auth: 'if-given', handle: (_r, _v, m) => json(render.account(this.#account(m[1]))) },
      { method: 'POST', pattern: /^\/api\/v1\/apps$/, auth: 'none', handle: (r) => this.#oauth.register(r.params) },
      { method: 'POST', pattern: /^\/oauth\/token$/, auth: 'none', handle: (r) => this.#oauth.exchange(r.params) },
      {
        method: 'GET',
        pattern: /^\/api\/v1\/instance$/,
        auth: 'none',
        handle: () => json(this.#context.facts.instanceV1(render.instanceV1(), this.#instanceFacts())),
      },
      { method: 'GET', pattern: /^\/api\/v2\/instance$/, auth: 'none', handle: () => this.#instanceV2() },
      { method: 'POST', pattern: /^\/api\/v1\/statuses$/, auth: 'required', handle: (r, viewer) => json(render.status(this.#createStatus(r, viewer), viewer)) },
      {
        method: 'GET',
        pattern: /^\/api\/v1\/statuses\/([^/]+)$/,
        auth: 'if-given',
        handle: (_r, viewer, m) => json(render.status(this.#status(m[1], viewer), viewer)),
      },
      {
        method: 'GET',
        pattern: /^\/api\/v1\/statuses\/([^/]+)\/context$/,
        auth: 'if-given',
        handle: (_r, viewer, m) => json(this.#threadContext(this.#status(m[1], viewer), viewer)),
      },
      { method: 'GET', pattern: /^\/api\/v1\/notifications$/, auth: 'required', handle: (r, viewer) => this.#notifications(r, viewer) },
      {
        method: 'GET',
        pattern: /^\/api\/v1\/notifications\/([^/]+)$/,
        auth: 'required',
        handle: (_r, viewer, m) => json(render.notification(this.#notification(m[1], viewer))),
      },
      {
        method: 'POST',
        pattern: /^\/api\/v1\/notifications\/([^/]+)\/dismiss$/,
        auth: 'required',
        handle: (_r, viewer, m) => this.#dismiss([this.#notification(m[1], viewer)]),
      },
      {
        method: 'POST',
        pattern: /^\/api\/v1\/notifications\/clear$/,
        auth: 'required',
        handle: (_r, viewer) => this.#dismiss(this.#context.store.notificationsOf(viewer)),
      },
    ];
  }

  #instanceFacts(): InstanceFacts {
    const { site } = this.#context;
    return { domain: site.domain, baseUrl: site.baseUrl, apiUrl: site.apiUrl, streamingUrl: site.streamingUrl, maxCharacters: site.maxCharacters };
  }

  #instanceV2(): PlainResponse {
    const build = this.#context.facts.instanceV2;
    return typeof build === 'function' ? jsonResponse(200, build(this.#renderer.instanceV2(), this.#instanceFacts())) : build;
  }

  /** Accounts can be looked up as `user` (local) or `user@domain`. */
  #lookup(params: Params): AccountRecord {
    const [username = '', domain] = (stringParam(params, 'acct') ?? '').replace(/^@/, '').split('@');
    const local = domain === undefined || domain.toLowerCase() === this.#context.site.domain.toLowerCase();
    const account = this.#context.store.accountByName(username, local ? null : domain);
    if (!account) throw RECORD_NOT_FOUND;
    return account;
  }

  #account(id: string | undefined): AccountRecord {
    const account = this.#context.store.accountById(id ?? '');
    if (!account) throw RECORD_NOT_FOUND;
    return account;
  }

  #createStatus(request: ApiRequest, author: AccountRecord): StatusRecord {
    const { params } = request;
    const idempotencyKey = request.headers['idempotency-key'];
    return postStatus(
      this.#context,
      author,
      {
        status: stringParam(params, 'status'),
        visibility: stringParam(params, 'visibility') || undefined,
        in_reply_to_id: stringParam(params, 'in_reply_to_id') || undefined,
        spoiler_text: stringParam(params, 'spoiler_text'),
        sensitive: booleanParam(params, 'sensitive'),
        language: stringParam(params, 'language') || undefined,
        content_type: stringParam(params, 'content_type') || undefined,
      },
      { idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey !== '' ? idempotencyKey : undefined },
    );
  }

  /** A status the viewer may not see does not exist for them. */
  #status(id: string | undefined, viewer: AccountRecord | undefined): StatusRecord {
    const status = this.#context.store.statusById(id ?? '');
    if (!status || !this.#context.store.canView(status, viewer)) throw RECORD_NOT_FOUND;
    return status;
  }

  /** Ancestors oldest first; descendants depth-first, each level in ID order. */
  #threadContext(status: StatusRecord, viewer: AccountRecord | undefined): { ancestors: unknown[]; descendants: unknown[] } {
    const store = this.#context.store;
    const ancestors: StatusRecord[] = [];
    for (let parent = status.inReplyTo; parent; parent = parent.inReplyTo) ancestors.unshift(parent);
    const descendants: StatusRecord[] = [];
    const visit = (node: StatusRecord) => {
      for (const reply of store.replies(node)) {
        descendants.push(reply);
        visit(reply);
      }
    };
    visit(status);
    const visible = (list: StatusRecord[]) => list.filter((s) => store.canView(s, viewer)).map((s) => this.#renderer.status(s, viewer));
    return { ancestors: visible(ancestors), descendants: visible(descendants) };
  }

  /** Api::V1::NotificationsController#index, or the server's own reading of it (flavours.ts NotificationPaging). */
  #notifications(request: ApiRequest, viewer: AccountRecord): PlainResponse {
    const { params } = request;
    const { store, site, facts } = this.#context;
    const paging = facts.notifications;
    const limit = paging.parseLimit(stringParam(params, 'limit'));
    if (typeof limit !== 'number') return limit;
    const types = paging.typesParam ? arrayParam(params, paging.typesParam) : [];
    const excluded = paging.excludeTypes ? arrayParam(params, 'exclude_types') : [];
    const fromAccountId = paging.typesParam ? stringParam(params, 'account_id') : undefined;
    // Notification.browserable: unknown requested types are dropped, exclusions win.
    let requested: readonly string[] = types.length === 0 ? NOTIFICATION_TYPES : NOTIFICATION_TYPES.filter((t) => types.includes(t));
    if (requested.length === 0 && paging.unknownTypesMeanAll) requested = NOTIFICATION_TYPES;
    requested = requested.filter((t) => !excluded.includes(t));
    const candidates = store
      .notificationsOf(viewer)
      .filter(
        (n) =>
          requested.includes(n.type) && (fromAccountId === undefined || n.from.id === fromAccountId) && !(paging.dropsWithoutStatus && n.status === undefined),
      );
    const page = paginate(
      candidates,
      {
        maxId: stringParam(params, 'max_id') || undefined,
        sinceId: stringParam(params, 'since_id') || undefined,
        minId: stringParam(params, 'min_id') || undefined,
        limit,
      },
      store.notificationIds,
      paging,
    );
    // The Link header is by ID order, whatever the order of the body (Sharkey's attachMinMaxPagination).
    const ordered = paging.sinceId === 'newest' ? page : [...page].sort((a, b) => store.notificationIds.compare(b.id, a.id) ?? 0);
    let link = linkHeader(`${site.apiUrl}/api/v1/notifications`, ordered, keptNotificationParams(params, paging.typesParam));
    if (link && paging.nextLinkOnlyWhenFull && page.length < limit) link = link.replace(/^<[^>]*>; rel="next", /, '');
    return jsonResponse(
      200,
      page.map((n) => this.#renderer.notification(n)),
      link ? { Link: link } : {},
    );
  }

  #notification(id: string | undefined, viewer: AccountRecord): NotificationRecord {
    const notification = this.#context.store.notificationsOf(viewer).find((n) => n.id === id);
    if (!notification) throw RECORD_NOT_FOUND;
    return notification;
  }

  #dismiss(notifications: NotificationRecord[]): PlainResponse {
    for (const notification of notifications) this.#context.store.dismissNotification(notification);
    return jsonResponse(200, {});
  }
}

/** NotificationsController#pagination_params: the permitted filters carried into Link URLs. */
function keptNotificationParams(params: Params, typesParam: string | undefined = 'types'): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const key of ['limit', 'account_id', 'include_filtered']) {
    const value = stringParam(params, key);
    if (value !== undefined) kept[key] = value;
  }
  for (const key of [typesParam ?? 'types', 'exclude_types']) {
    const values = arrayParam(params, key);
    if (values.length > 0) kept[key] = values;
  }
  return kept;
}
