import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RipeStatError } from '../../lib/bgp/sources/ripestat-client.ts';
import { DnsNetworkError, DnsTimeoutError } from '../../lib/dns/errors.ts';
import { isLastingFailure, sourceFailureText } from '../../lib/engine/answer/source-failure.ts';

describe('why a source did not answer, as an asker reads it', () => {
  it('says it by the error’s class, never with the error’s own text', () => {
    const cases: [unknown, string][] = [
      [new RipeStatError('network-info', { kind: 'unreachable' }, 'connect ECONNREFUSED 10.0.0.1:443'), 'RIPEstat could not be reached in time'],
      [new RipeStatError('network-info', { kind: 'status', status: 429 }, '@someone #tag'), 'RIPEstat answered HTTP 429'],
      [new RipeStatError('network-info', { kind: 'no-data' }, 'resource unknown'), 'RIPEstat had no data for it'],
      [
        new RipeStatError('network-info', { kind: 'refused' }, 'refused http://10.0.0.1/: only https is used'),
        'my operator’s setup does not let me fetch from RIPEstat’s address or take its answer (https only, public addresses, a size limit), which is not a passing fault',
      ],
      [new DnsTimeoutError('10.0.0.53:53', 5000), 'its DNS look-up got no answer within 5 s'],
      [new DnsNetworkError('10.0.0.53:53', 'ECONNREFUSED'), 'its DNS look-up could not reach the resolver'],
      [new Error('cannot load /srv/private/rib.mrt: EACCES'), 'it failed'],
      ['thrown text', 'it failed'],
    ];
    for (const [error, text] of cases) assert.equal(sourceFailureText(error), text);
  });

  it('tells a failure of the operator’s setup, which asking again does not mend, from a passing one', () => {
    assert.equal(isLastingFailure(new RipeStatError('network-info', { kind: 'refused' }, 'refused http://10.0.0.1/')), true);
    assert.equal(isLastingFailure(new RipeStatError('network-info', { kind: 'status', status: 503 }, 'HTTP 503')), false);
    assert.equal(isLastingFailure(new RipeStatError('network-info', { kind: 'unreachable' }, 'ETIMEDOUT')), false);
    assert.equal(isLastingFailure(new DnsTimeoutError('10.0.0.53:53', 5000)), false);
  });
});
