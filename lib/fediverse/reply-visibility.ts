/** Mastodon's four visibilities, from the most private to the most public. */
export const visibilities = ['direct', 'private', 'unlisted', 'public'] as const;
export type Visibility = (typeof visibilities)[number];

export function isVisibility(value: string): value is Visibility {
  return (visibilities as readonly string[]).includes(value);
}

/**
 * The visibility of a reply: never more public than the question, and never
 * more public than the operator's cap. A visibility this bot does not know
 * (a server's own, like `local` or `list`) is answered as `direct`, the
 * only choice that cannot leak.
 */
export function replyVisibility(question: string, cap: Visibility = 'public'): Visibility {
  if (!isVisibility(question)) return 'direct';
  return visibilities[Math.min(visibilities.indexOf(question), visibilities.indexOf(cap))];
}
