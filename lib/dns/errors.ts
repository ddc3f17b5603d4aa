/** No upstream answered within the timeout. */
export class DnsTimeoutError extends Error {
  override readonly name = 'DnsTimeoutError';
  constructor(
    readonly upstream: string,
    readonly timeoutMs: number,
  ) {
    super(`${upstream} did not answer within ${timeoutMs} ms`);
  }
}

/** An upstream could not be reached or sent something that is not a DNS answer. */
export class DnsNetworkError extends Error {
  override readonly name = 'DnsNetworkError';
  constructor(
    readonly upstream: string,
    readonly reason: string,
  ) {
    super(`${upstream}: ${reason}`);
  }
}

/** dig -4 or -6 asked for an IP version that none of the upstreams is reached by. */
export class NoUpstreamOfFamilyError extends Error {
  override readonly name = 'NoUpstreamOfFamilyError';
  constructor(
    readonly family: 4 | 6,
    readonly upstreams: readonly string[],
  ) {
    super(`no upstream at an IPv${family} address among ${upstreams.join(', ')}`);
  }
}
