/**
 * Why a BGP or RPKI source (or the resolver asked for a whois cross-check) gave no answer, in words of our own: an error's
 * message may quote a remote service (RIPEstat's messages, a resolver's
 * address) or the operator's file system, so it goes to the log, never to an
 * asker. Each failure is told by its class, where the protocol decided it.
 */

import { RipeStatError } from '../../bgp/sources/ripestat-client.ts';
import { DnsNetworkError, DnsTimeoutError } from '../../dns/errors.ts';

export function sourceFailureText(error: unknown): string {
  if (error instanceof RipeStatError) {
    const { failure } = error;
    if (failure.kind === 'unreachable') return 'RIPEstat could not be reached in time';
    if (failure.kind === 'status') return `RIPEstat answered HTTP ${failure.status}`;
    if (failure.kind === 'refused')
      return 'my operator’s setup does not let me fetch from RIPEstat’s address or take its answer (https only, public addresses, a size limit), which is not a passing fault';
    return 'RIPEstat had no data for it';
  }
  if (error instanceof DnsTimeoutError) return `its DNS look-up got no answer within ${error.timeoutMs / 1000} s`;
  if (error instanceof DnsNetworkError) return 'its DNS look-up could not reach the resolver';
  return 'it failed';
}

/** True when asking again will fail the same way: the operator's setup, not the source's passing trouble. */
export function isLastingFailure(error: unknown): boolean {
  return error instanceof RipeStatError && error.failure.kind === 'refused';
}
