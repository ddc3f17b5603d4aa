/**
 * Mastodon's ID pagination (app/models/concerns/paginable.rb,
 * `to_a_paginated_by_id`) and its Link header (Api::Pagination).
 */
import type { IdGenerator } from './ids.ts';

export interface PageParams {
  readonly maxId?: string | undefined;
  readonly sinceId?: string | undefined;
  readonly minId?: string | undefined;
  readonly limit: number;
}

/** How a server reads the cursors; Mastodon's by default (see NotificationPaging in flavours.ts). */
export interface PagingRules {
  readonly minId: 'after' | 'since';
  readonly minIdDropsSinceId: boolean;
  readonly sinceId: 'newest' | 'after-oldest-first';
}

export const MASTODON_PAGING: PagingRules = { minId: 'after', minIdDropsSinceId: true, sinceId: 'newest' };

/**
 * `items` are in ascending ID order. Without `min_id` the page is the newest
 * `limit` items below `max_id` and above `since_id`; with `min_id` it is the
 * `limit` items immediately above `min_id` (and below `max_id`). Both come
 * back newest first. Other servers read the cursors otherwise (`rules`):
 * Hollo's `min_id` is one more `since_id`; Sharkey's `min_id` and `since_id`
 * both give the page right after the cursor, oldest first, unless a
 * `max_id` is given too.
 */
export function paginate<T extends { readonly id: string }>(
  items: readonly T[],
  params: PageParams,
  ids: IdGenerator,
  rules: PagingRules = MASTODON_PAGING,
): T[] {
  const above = (bound: string | undefined) => (item: T) => bound === undefined || (ids.compare(item.id, bound) ?? 1) > 0;
  const below = (bound: string | undefined) => (item: T) => bound === undefined || (ids.compare(item.id, bound) ?? -1) < 0;
  const inRange = items.filter(below(params.maxId));
  let { sinceId, minId } = params;
  if (minId !== undefined && rules.minId === 'since') {
    // Hollo ANDs both `gt` conditions; Sharkey's megalodon overwrites since_id with min_id.
    if (rules.minIdDropsSinceId || sinceId === undefined) sinceId = minId;
    else inRange.splice(0, inRange.length, ...inRange.filter(above(minId)));
    minId = undefined;
  }
  if (minId !== undefined) {
    const candidates = rules.minIdDropsSinceId ? inRange : inRange.filter(above(sinceId));
    return candidates.filter(above(minId)).slice(0, params.limit).reverse();
  }
  if (sinceId !== undefined && params.maxId === undefined && rules.sinceId === 'after-oldest-first') {
    return inRange.filter(above(sinceId)).slice(0, params.limit);
  }
  return inRange.filter(above(sinceId)).reverse().slice(0, params.limit);
}

/** Api::BaseController#limit_param: `limit.to_i.abs`, at most twice the default. */
export function limitParam(value: string | undefined, defaultLimit: number): number {
  if (value === undefined) return defaultLimit;
  return Math.min(Math.abs(Number.parseInt(value, 10) || 0), defaultLimit * 2);
}

/**
 * `next` pages back from the oldest item (max_id), `prev` forward from the
 * newest (min_id); no header for an empty page. `kept` are the other request
 * parameters the controller carries over, serialized like Rails' `to_query`:
 * sorted, with `types[]` escaped as `types%5B%5D`.
 */
export function linkHeader(endpoint: string, page: readonly { readonly id: string }[], kept: Record<string, string | string[]>): string | undefined {
  const newest = page[0];
  const oldest = page.at(-1);
  if (!newest || !oldest) return undefined;
  const link = (cursor: Record<string, string>) => `${endpoint}?${toQuery({ ...kept, ...cursor })}`;
  return `<${link({ max_id: oldest.id })}>; rel="next", <${link({ min_id: newest.id })}>; rel="prev"`;
}

function toQuery(params: Record<string, string | string[]>): string {
  // CGI.escape: everything but letters, digits and `_.-~` is percent-encoded, spaces become `+`.
  const cgiEscape = (text: string) =>
    encodeURIComponent(text)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return Object.entries(params)
    .map(([key, value]) =>
      Array.isArray(value) ? value.map((item) => `${cgiEscape(`${key}[]`)}=${cgiEscape(item)}`).join('&') : `${cgiEscape(key)}=${cgiEscape(value)}`,
    )
    .sort()
    .join('&');
}
