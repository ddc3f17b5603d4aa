/** What the whole-path benchmark asks: a mix of questions over the test zone, each with what its answer must show. */

export type Visibility = 'public' | 'unlisted' | 'direct';

export interface QuestionSpec {
  readonly text: string;
  /** What the first post of the answer must contain (matched against its HTML). */
  readonly expect: RegExp;
  /** At least this many posts in the answer's thread. */
  readonly minParts?: number;
}

/** Answers of the test zone (test/testkit/dns/test-zone.ts), as `npm run lookup` prints them; TTLs count down in the answer cache. */
export const MIX: readonly QuestionSpec[] = [
  { text: 'example.test', expect: /example\.test\. \d+ A 192\.0\.2\.1/ },
  { text: 'example.test AAAA', expect: /AAAA 2001:db8::1/ },
  { text: 'example.test MX', expect: /MX 10 mail\.example\.test\./ },
  { text: 'example.test TXT', expect: /TXT .*v=spf1 -all/ },
  { text: 'example.test NS SOA', expect: /NS ns1\.example\.test\..*SOA ns1\.example\.test\./s },
  { text: 'www.example.test', expect: /CNAME web\.example\.test\./ },
  { text: '_443._tcp.example.test TLSA', expect: /TLSA 3 1 1 0C72AC70/ },
  { text: 'example.test HTTPS', expect: /HTTPS 1 \. alpn=h2/ },
  { text: 'café.example.test', expect: /xn--caf-dma\.example\.test\. \d+ A 192\.0\.2\.7/ },
  { text: '192.0.2.1', expect: /1\.2\.0\.192\.in-addr\.arpa\. \d+ PTR example\.test\./ },
  { text: '2001:db8::1', expect: /ip6\.arpa\. \d+ PTR example\.test\./ },
  { text: '8.8.8.8', expect: /PTR dns\.google\..*AS15169/s },
  { text: 'nothing.example.test', expect: /NXDOMAIN/ },
  { text: 'bgp 8.8.8.8', expect: /8\.8\.8\.0\/24 announced by AS15169/ },
  { text: 'bgp 1.1.1.1', expect: /1\.1\.1\.0\/24 announced by AS13335/ },
  { text: 'help', expect: /I look things up in the DNS/ },
  { text: 'example.test TYPE0', expect: /I could not read that/ },
  { text: 'long.example.test TXT', expect: /long\.example\.test TXT/, minParts: 2 },
];

/** The n-th question of a run: every third a name asked only once (a cache miss, NXDOMAIN), else the mix in turn. */
export function questionAt(n: number): QuestionSpec & { visibility: Visibility } {
  const visibility: Visibility = n % 25 === 24 ? 'direct' : n % 10 === 9 ? 'unlisted' : 'public';
  if (n % 3 === 2) return { text: `u${n}.example.test ${['A', 'MX', 'TXT', 'AAAA'][n % 4]}`, expect: /NXDOMAIN/, visibility };
  const k = Math.floor(n / 3) * 2 + (n % 3); // 0, 1, 2, 3… over the questions that are not unique names
  return { ...MIX[k % MIX.length]!, visibility };
}

export type Phase = 'warm-up' | 'catch-up' | 'live' | 'probe' | 'canary';

export interface Question {
  readonly id: string;
  readonly phase: Phase;
  readonly spec: QuestionSpec & { visibility: Visibility };
  readonly postedAt: number;
}
