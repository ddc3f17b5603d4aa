const NODEINFO_TIMEOUT_MS = 10_000;

/**
 * The nodeinfo document of a server (https://nodeinfo.diaspora.software/protocol),
 * the newest 2.x schema its index links, or undefined where there is none or it
 * cannot be read: every server of the fediverse names its software there, in
 * the same shape, whichever client API it speaks.
 */
export async function fetchNodeinfo(origin: string): Promise<unknown> {
  const json = async (url: string | URL) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(NODEINFO_TIMEOUT_MS), headers: { accept: 'application/json' } });
    return response.ok ? ((await response.json()) as unknown) : undefined;
  };
  try {
    const index = (await json(new URL('/.well-known/nodeinfo', origin))) as { links?: { rel?: string; href?: string }[] } | undefined;
    const link = index?.links
      ?.filter((l) => typeof l.href === 'string' && /nodeinfo\.diaspora\.software\/ns\/schema\/2\.\d+$/.test(l.rel ?? ''))
      .sort((a, b) => (b.rel ?? '').localeCompare(a.rel ?? ''))[0];
    return link?.href ? await json(link.href) : undefined;
  } catch {
    // Without nodeinfo the software is read from what else the server says about itself.
    return undefined;
  }
}
