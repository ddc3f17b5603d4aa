/** What counts as a change, and how it reads: pure functions over typed states. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpAddress } from '../../lib/net/ip-address.ts';
import { cidr } from '../testkit/bgp/table-helpers.ts';
import { observeRoute } from '../../lib/watch/observe.ts';
import { readWatchCommand } from '../../lib/watch/watch-command.ts';
import { checkDelay, judge, noProgress } from '../../lib/watch/watch-rules.ts';
import { describeChange, stateKey, type WatchState } from '../../lib/watch/watch-state.ts';

const dns = (records: string[], extra: { rcode?: number; ad?: boolean; ede?: number[] } = {}): WatchState => ({
  kind: 'dns',
  answers: [{ type: 2, rcode: extra.rcode ?? 0, records, ad: extra.ad ?? false, ede: extra.ede ?? [] }],
});
const rules = { holdChecks: 2, dailyChanges: 3 };
const NOW = Date.UTC(2026, 11, 1, 12);

describe('what counts as a DNS change', () => {
  it('ignores TTLs and order, and tells records, rcode, AD and EDE apart', () => {
    assert.equal(stateKey(dns(['a.', 'b.'])), stateKey(dns(['a.', 'b.'])));
    assert.deepEqual(
      describeChange(dns(['ns1.example.'], { ede: [3] }), dns(['ns1.example.', 'ns2.example.'], { ad: true, ede: [6] })).map((l) => l.text),
      [
        'NS now: ns1.example., ns2.example.',
        '  + ns2.example.',
        'NS: now validated by DNSSEC (AD)',
        'NS: the resolver now says DNSSEC bogus (EDE 6)',
        'NS: stale answer (EDE 3) went away',
      ],
    );
    assert.deepEqual(
      describeChange(dns(['a.']), dns([], { rcode: 3 })).map((l) => l.text),
      ['NS: NOERROR → NXDOMAIN', 'NS now: no records', '  − a.'],
    );
  });

  it('says when resolvers start agreeing', () => {
    const split: WatchState = {
      kind: 'compare',
      groups: [
        { answer: 'a.', resolvers: ['default'] },
        { answer: 'b.', resolvers: ['quad9'] },
      ],
    };
    const agreed: WatchState = { kind: 'compare', groups: [{ answer: 'b.', resolvers: ['default', 'quad9'] }] };
    assert.equal(describeChange(split, agreed)[0].text, 'all 2 resolvers now give b.');
    assert.equal(describeChange(agreed, split)[0].text, 'the resolvers disagree: default gives a.; quad9 gives b.');
  });

  it('neutralises data that would mention or tag', () => {
    assert.doesNotMatch(describeChange(dns(['a.']), dns(['"@someone@example.social #tag"']))[0].text, /@someone|#tag/);
  });
});

describe('what counts as a BGP change', () => {
  const route = (origins: number[], seenBy = 10, moreSpecifics = 0) =>
    observeRoute(
      {
        query: { kind: 'prefix', prefix: parseIpAddress('192.0.2.0')!, length: 24 },
        prefix: cidr('192.0.2.0/24'),
        origins,
        moreSpecifics,
        paths: { visibility: { seenBy, peers: 10 } },
      },
      [{ origin: origins[0], state: 'valid' } as never],
      0.5,
    );
  it('tells origins, more-specifics, visibility under the threshold and RPKI', () => {
    assert.deepEqual(
      describeChange(route([64500]), route([64511], 4, 2)).map((l) => l.text),
      ['origin now AS64511 (was AS64500)', 'new more-specific prefixes inside it: 2 now (were 0)', 'seen by fewer than the threshold of peers'],
    );
  });
});

describe('when a change is told', () => {
  it('takes the first state as the baseline and tells a new one after two checks in a row', () => {
    let progress = judge(noProgress, 'A', NOW, rules).progress;
    assert.equal(progress.reported, 'A');
    const once = judge(progress, 'B', NOW, rules);
    assert.equal(once.tell, undefined);
    const twice = judge(once.progress, 'B', NOW, rules);
    assert.equal(twice.tell, 'change');
    assert.equal(twice.before, 'A');
    progress = twice.progress;
    assert.equal(judge(judge(progress, 'C', NOW, rules).progress, 'B', NOW, rules).tell, undefined, 'back to the told state is no change');
  });

  it('checks DNS no more often than the TTL and WATCH_MIN_INTERVAL_MS allow, spread by up to a tenth', () => {
    const intervals = { minIntervalMs: 300_000, bgpIntervalMs: 900_000 };
    assert.equal(checkDelay('dns', 60, intervals, 0), 300_000);
    assert.equal(checkDelay('dns', 3600, intervals, 0.5), 3_780_000);
    assert.equal(checkDelay('bgp', 3600, intervals, 0), 900_000);
  });
});

describe('the watch commands', () => {
  it('reads watch, unwatch and watches, and leaves questions alone', () => {
    assert.deepEqual(readWatchCommand('watch example.com NS for 14 days'), { kind: 'watch', question: 'example.com NS', lifetimeDays: 14 });
    assert.deepEqual(readWatchCommand('watch bgp 192.0.2.0/24'), { kind: 'watch', question: 'bgp 192.0.2.0/24' });
    assert.deepEqual(readWatchCommand('Unwatch'), { kind: 'unwatch' });
    assert.deepEqual(readWatchCommand('watches'), { kind: 'watches' });
    assert.equal(readWatchCommand('watch'), undefined);
    assert.equal(readWatchCommand('example.com NS'), undefined);
  });
});
