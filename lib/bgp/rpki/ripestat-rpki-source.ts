/**
 * `BGP_RPKI=ripestat`: RIPEstat's rpki-validation data call, one request per
 * origin AS, through the client the ripestat BGP source uses (timeouts,
 * retries on network errors and 5xx):
 *
 *   rpki-validation?resource=AS13335&prefix=1.1.1.0/24 →
 *     { status: "valid" | "invalid_asn" | "invalid_length" | "unknown",
 *       validating_roas: [{ origin: "13335", prefix: "1.1.1.0/24", max_length: 24, validity: "valid" }] }
 *
 * RIPEstat decides the state; the ROAs it lists say why. Its answer is
 * untrusted data: ROAs that are not well formed are dropped, and a state its
 * ROAs do not bear out is an error, not an answer.
 */

import { RipeStatClient, RipeStatError, type RipeStatOptions } from '../sources/ripestat-client.ts';
import { formatPrefix, type IpAddress, parseNetwork } from '../../net/ip-address.ts';
import type { RouteValidity, RpkiSource, RpkiStats, Vrp } from './rpki-source.ts';

interface RpkiValidationData {
  status?: string;
  validating_roas?: { origin?: string | number; prefix?: string; max_length?: number }[];
}

export class RipeStatRpkiSource implements RpkiSource {
  readonly name = 'ripestat';
  private readonly client: RipeStatClient;

  constructor(options: RipeStatOptions) {
    this.client = new RipeStatClient(options);
  }

  validate(prefix: IpAddress, length: number, origins: readonly number[]): Promise<RouteValidity[]> {
    const route = formatPrefix({ address: prefix, length });
    return Promise.all(
      origins.map(async (origin) => {
        const data = await this.client.call<RpkiValidationData>('rpki-validation', { resource: `AS${origin}`, prefix: route });
        return validityOf(data, length, origin);
      }),
    );
  }

  async stats(): Promise<RpkiStats> {
    return { source: `RIPEstat (${this.client.host})` };
  }

  close(): void {}
}

function validityOf(data: RpkiValidationData, length: number, origin: number): RouteValidity {
  const roas = (data.validating_roas ?? []).flatMap(checkedVrp);
  const own = roas.filter((vrp) => vrp.asn === origin && origin !== 0);
  const reaching = own.filter((vrp) => vrp.maxLength >= length);
  const furthest = own.reduce<Vrp | undefined>((best, vrp) => (best === undefined || vrp.maxLength > best.maxLength ? vrp : best), undefined);
  const status = data.status;
  if (status === 'unknown') return { origin, state: 'not-found' };
  if (status === 'valid' && reaching[0]) return { origin, state: 'valid', vrp: reaching[0] };
  if ((status === 'invalid_length' || status === 'invalid') && furthest && reaching.length === 0)
    return { origin, state: 'invalid', reason: 'length', vrp: furthest };
  if ((status === 'invalid_asn' || status === 'invalid') && roas.length > 0 && own.length === 0)
    return { origin, state: 'invalid', reason: 'origin', covering: roas };
  throw new RipeStatError('rpki-validation', { kind: 'no-data' }, `status “${String(status).slice(0, 20)}” with ${roas.length} ROAs that do not bear it out`);
}

function checkedVrp(roa: NonNullable<RpkiValidationData['validating_roas']>[number]): Vrp[] {
  const asn = Number(roa.origin);
  const prefix = typeof roa.prefix === 'string' ? parseNetwork(roa.prefix) : undefined;
  const maxLength = roa.max_length;
  if (!prefix || !Number.isInteger(asn) || asn < 0 || asn > 0xffffffff || !Number.isInteger(maxLength)) return [];
  return [{ prefix, maxLength: maxLength!, asn }];
}
