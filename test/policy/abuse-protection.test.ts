import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AskerRateLimit } from '../../lib/policy/asker-rate-limit.ts';
import { blockReason, mergeBlockLists, parseBlockList } from '../../lib/policy/block-list.ts';
import { FloodWatch, type FloodReport } from '../../lib/policy/flood-watch.ts';
import { WaitingRateLimit } from '../../lib/policy/waiting-rate-limit.ts';

describe('block lists', () => {
  const list = parseBlockList(['# spammers', '@Mallory@bad.example', 'eve', 'spam.example  # the whole instance', '*@worse.example', '']);
  it('blocks accounts, local accounts and whole instances with their subdomains', () => {
    assert.equal(blockReason(list, 'mallory@bad.example'), 'a blocked account');
    assert.equal(blockReason(list, 'eve'), 'a blocked account');
    assert.equal(blockReason(list, 'anyone@spam.example'), 'a blocked instance');
    assert.equal(blockReason(list, 'anyone@social.spam.example'), 'a blocked instance');
    assert.equal(blockReason(list, 'x@worse.example'), 'a blocked instance');
    assert.equal(blockReason(list, 'alice@good.example'), undefined);
    assert.equal(blockReason(list, 'alice@notspam.example'), undefined);
  });
  it('merges the environment’s list with a file’s', () => {
    const merged = mergeBlockLists(list, parseBlockList(['new@one.example']));
    assert.equal(blockReason(merged, 'new@one.example'), 'a blocked account');
    assert.equal(blockReason(merged, 'eve'), 'a blocked account');
  });
});

describe('FloodWatch', () => {
  it('reports a flood once per window, naming the busiest accounts and instances', () => {
    const reports: FloodReport[] = [];
    const watch = new FloodWatch({ windowMs: 60_000, threshold: 10, localDomain: 'bots.example', onFlood: (r) => reports.push(r) });
    for (let i = 0; i < 9; i++) watch.record(`a${i}@site${i}.example`, 1000 + i);
    assert.equal(reports.length, 0, '9 askers from 9 instances are no flood');
    for (let i = 0; i < 30; i++) watch.record(i % 2 ? 'loud@many.example' : 'local', 2000 + i);
    assert.equal(reports.length, 1, 'once per window');
    assert.equal(reports[0].total, 10);
    assert.ok(reports[0].accounts.some(([acct, count]) => acct === 'local' && count === 1));
    assert.deepEqual(
      reports[0].domains.find(([d]) => d === 'bots.example'),
      ['bots.example', 1],
    );
    watch.record('late@many.example', 70_000);
    assert.equal(reports.length, 1, 'a flood that ended is not reported again');
    for (let i = 0; i < 10; i++) watch.record(`again${i}@site${i}.example`, 70_001 + i);
    assert.equal(reports.length, 2, 'a flood in a later window is');
  });
  it('notices one instance sending far more than its share', () => {
    const reports: FloodReport[] = [];
    const watch = new FloodWatch({ windowMs: 60_000, threshold: 100, localDomain: 'bots.example', onFlood: (r) => reports.push(r) });
    for (let i = 0; i < 50; i++) watch.record(`u${i}@one.example`, i);
    assert.equal(reports.length, 1);
    assert.equal(reports[0].accounts.length, 50);
  });
});

describe('WaitingRateLimit', () => {
  it('hands out count tokens at once, then waits for the refill instead of refusing', async () => {
    let now = 0;
    const bucket = new WaitingRateLimit(3, 1000, () => now);
    for (let i = 0; i < 3; i++) await bucket.take();
    let fourth = false;
    const waiting = bucket.take().then(() => (fourth = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(fourth, false);
    now = 400;
    await waiting;
    assert.equal(fourth, true);
  });
});

describe('AskerRateLimit', () => {
  it('answers count questions at once, then one notice, then silence until a token is back', () => {
    const limit = new AskerRateLimit(2, 60_000);
    assert.deepEqual(
      [0, 1, 2, 3].map((t) => limit.decide('alice', t)),
      ['answer', 'answer', 'notice', 'silence'],
    );
    assert.equal(limit.decide('bob', 4), 'answer', 'other askers are not held up');
    // One token comes back every 30 s.
    assert.equal(limit.retryAfterSeconds('alice', 10_003), 20);
    assert.equal(limit.decide('alice', 29_000), 'silence');
    assert.equal(limit.decide('alice', 31_000), 'answer');
    assert.equal(limit.decide('alice', 31_001), 'notice', 'a new notice once the asker is over again');
  });

  it('counts a costly answer (a trace) as several questions, and never more than the whole bucket', () => {
    const limit = new AskerRateLimit(10, 60_000);
    assert.equal(limit.decide('alice', 0, 4), 'answer');
    assert.equal(limit.decide('alice', 1, 4), 'answer');
    assert.equal(limit.decide('alice', 2, 4), 'notice', 'two tokens left, four needed');
    // Two more tokens take 12 s at 10 per minute.
    assert.equal(limit.retryAfterSeconds('alice', 2, 4), 12);
    assert.equal(limit.decide('alice', 3, 1), 'answer', 'a plain question still fits');
    const small = new AskerRateLimit(2, 60_000);
    assert.equal(small.decide('bob', 0, 12), 'answer', 'a cost above the bucket takes the whole bucket');
    assert.equal(small.decide('bob', 1, 1), 'notice');
  });

  it('charges what a trace cost beyond its first price as a debt, which the next question waits for', () => {
    const limit = new AskerRateLimit(10, 60_000);
    assert.equal(limit.decide('alice', 0, 3), 'answer');
    limit.charge('alice', 0, 9); // 60 queries cost 12 in all: 10 - 12 leaves a debt of 2
    // One token is 6 s at 10 per minute: a question waits until the debt and one token are back.
    assert.equal(limit.retryAfterSeconds('alice', 0), 18);
    assert.equal(limit.decide('alice', 17_000), 'notice');
    assert.equal(limit.decide('alice', 18_000), 'answer');
  });

  it('remembers a bounded number of askers', () => {
    const limit = new AskerRateLimit(1, 60_000, 100);
    limit.decide('first', 0);
    for (let i = 0; i < 200; i++) limit.decide(`asker${i}`, 1);
    assert.equal(limit.decide('first', 2), 'answer', 'forgotten, so a full bucket again');
  });
});
