/** The operating rules the worker follows: whose questions are logged, when it is healthy, what the operator is told about a flood. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { floodReportText, floodSummary } from '../../lib/policy/flood-watch.ts';
import { beatingWhile, fileHeartbeat, healthOf } from '../../lib/ops/health.ts';
import { mayLogQuestion } from '../../lib/policy/log-privacy.ts';

describe('LOG_QUERIES', () => {
  it('all logs every text, public-only only public and unlisted ones, none no text', () => {
    const visibilities = ['public', 'unlisted', 'private', 'direct', 'limited'];
    assert.deepEqual(
      visibilities.map((v) => mayLogQuestion('all', v)),
      [true, true, true, true, true],
    );
    assert.deepEqual(
      visibilities.map((v) => mayLogQuestion('public-only', v)),
      [true, true, false, false, false],
    );
    assert.deepEqual(
      visibilities.map((v) => mayLogQuestion('none', v)),
      [false, false, false, false, false],
    );
  });
});

describe('health', () => {
  const since = new Date('2026-11-30T12:00:00.000Z');
  const base = { heartbeatTimeoutMs: 90_000, instanceUrl: 'https://dig.example' };
  it('is ok while connected with a fresh heartbeat', () => {
    assert.deepEqual(healthOf({ ...base, connection: { connected: true, since }, heartbeatAgeMs: 2400 }), {
      ok: true,
      reason: 'connected since 2026-11-30T12:00:00.000Z, heartbeat 2 s old',
    });
  });
  it('is not while disconnected, naming the server and since when', () => {
    assert.deepEqual(healthOf({ ...base, connection: { connected: false, since }, heartbeatAgeMs: 0 }), {
      ok: false,
      reason: 'not connected to https://dig.example since 2026-11-30T12:00:00.000Z',
    });
  });
  it('is not when the heartbeat is older than the supervisor allows', () => {
    assert.deepEqual(healthOf({ ...base, connection: { connected: true, since }, heartbeatAgeMs: 91_000 }), { ok: false, reason: 'heartbeat 91 s old' });
  });
  it('reads the heartbeat from its file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'fedidig-health-'));
    try {
      const heartbeat = fileHeartbeat(join(folder, 'state', 'heartbeat'));
      assert.equal(heartbeat.ageMs(), Infinity);
      heartbeat.beat();
      assert.ok(heartbeat.ageMs() < 1000);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the heartbeat while the worker opens its data', () => {
  it('beats until the work settles, then no more', async () => {
    const beats: number[] = [];
    const heartbeat = { beat: () => beats.push(Date.now()), ageMs: () => 0 };
    let finish!: (value: string) => void;
    const opening = beatingWhile(heartbeat, 20, new Promise<string>((resolve) => (finish = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const during = beats.length;
    assert.ok(during >= 2, `beat ${during} times while the work ran`);
    finish('opened');
    assert.equal(await opening, 'opened');
    const after = beats.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(beats.length, after, 'no beat after the work settled');
  });

  it('passes on a failure, and stops beating', async () => {
    let beats = 0;
    const heartbeat = { beat: () => void beats++, ageMs: () => 0 };
    await assert.rejects(beatingWhile(heartbeat, 20, Promise.reject(new RangeError('no table'))), RangeError);
    const after = beats;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(beats, after);
  });
});

describe('the flood report', () => {
  const report = {
    windowMs: 60_000,
    total: 14,
    accounts: Array.from({ length: 12 }, (_, i) => [`a${i}@spam.example`, 12 - i] as [string, number]),
    domains: [['spam.example', 14]] as [string, number][],
  };
  it('names the ten busiest accounts and the instances, and says what the bot does', () => {
    const text = floodReportText(report);
    assert.match(text, /^⚠️ Flood: 14 mentions in 60 s\. Accounts: a0@spam\.example \(12\), a1@spam\.example \(11\),/);
    assert.match(text, /a9@spam\.example \(3\)\. Instances: spam\.example \(14\)\. I keep answering;/);
    assert.doesNotMatch(text, /a10@/);
    assert.equal(floodSummary(report), 'flood: 14 mentions in 60 s');
  });
});
