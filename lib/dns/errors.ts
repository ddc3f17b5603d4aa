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
