/**
 * Properties of the whole path from a mention's HTML to the posted reply
 * parts, over hostile input: any Unicode, any HTML, up to 100 kB of it, and
 * hostile DNS data (test/testkit/fuzz/fuzz-properties.ts defines them, with the
 * hostile-* generators in test/testkit/). A few runs of each here, with a
 * new seed every time; `npm run fuzz` runs the same properties many more
 * times and prints the seed and counterexample of a failure.
 */
import { after, before, describe, it } from 'node:test';
import { fuzzProperty, startWireEnvironment, type FuzzEnvironment } from '../testkit/fuzz/fuzz-properties.ts';

const RUNS = 200;
const WIRE_RUNS = 30;
const TRACE_RUNS = 100;

/**
 * A test of each property, of `numRuns` runs in the environment `env()` gives when the test runs; a failure
 * is fast-check's report: the seed, the path and the shrunk counterexample.
 */
function itHoldsEach(ids: readonly string[], numRuns: number, env: () => FuzzEnvironment = () => ({})): void {
  for (const id of ids) {
    const property = fuzzProperty(id);
    it(property.title, async () => {
      const details = await property.check(env(), { numRuns });
      if (details.failed) throw new Error(`${property.id}: ${details.report}`, { cause: details.error });
    });
  }
}

describe('the whole path, mention HTML → reply parts, with hostile mentions and DNS data', () => {
  itHoldsEach(
    [
      'engine-never-throws',
      'splitter-never-throws',
      'fits-max-characters',
      'no-third-party-mention',
      'visibility-never-wider',
      'no-hidden-characters',
      'no-hidden-characters-from-question',
      'reply-visibility',
      'address-forms',
    ],
    RUNS,
  );
});

describe('the whole path of +trace, with hostile referrals from fake authoritative servers', () => {
  itHoldsEach(
    [
      'trace:engine-never-throws',
      'trace:splitter-never-throws',
      'trace:fits-max-characters',
      'trace:no-third-party-mention',
      'trace:no-hidden-characters',
      'trace:no-query-to-forbidden-address',
    ],
    TRACE_RUNS,
  );
});

describe('the whole path of whois, with hostile RDAP answers', () => {
  itHoldsEach(
    ['whois:engine-never-throws', 'whois:splitter-never-throws', 'whois:fits-max-characters', 'whois:no-third-party-mention', 'whois:no-hidden-characters'],
    TRACE_RUNS,
  );
});

describe('the whole path with generated records through the loopback DNS server', () => {
  let wire: Awaited<ReturnType<typeof startWireEnvironment>>;
  before(async () => {
    wire = await startWireEnvironment();
  });
  after(() => wire.close());

  itHoldsEach(
    ['wire:engine-never-throws', 'wire:splitter-never-throws', 'wire:fits-max-characters', 'wire:no-third-party-mention', 'wire:no-hidden-characters'],
    WIRE_RUNS,
    () => ({ wire }),
  );
});
