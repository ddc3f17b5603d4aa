import type { ReplyLine } from '../../reply/split-reply.ts';

/** The answer to `help` or to an empty question. */
const logging = {
  all: 'I log each question with its text, to run and debug this bot.',
  'public-only': 'I log the text of public and unlisted questions only; of private and direct ones, only that they were answered.',
  none: 'I log no question texts, only that questions were answered.',
};

/** What this bot offers, which help mentions. */
export interface HelpTopics {
  /** How the bot is addressed, e.g. `@dig`. */
  readonly botName: string;
  readonly bgp: boolean;
  readonly rpki: boolean;
  /** whois over RDAP is on. */
  readonly whois: boolean;
  /** More than one resolver, so `compare` means something. */
  readonly compare: boolean;
  readonly logQueries: keyof typeof logging;
}

export function helpLines({ botName, bgp: bgpEnabled, rpki: rpkiEnabled, whois: whoisEnabled, compare: compareEnabled, logQueries }: HelpTopics): ReplyLine[] {
  const lines = [
    `I look things up in the DNS${bgpEnabled ? ' and in BGP' : ''}. Mention me with:`,
    `• a name and types: ${botName} example.com MX (default A; several types at once: A AAAA MX; ADDR = A+AAAA)`,
    `• an IP address for its reverse name: ${botName} 2001:db8::1`,
    '• dig options: +short, +dnssec, +cd, +tcp, +nsid, -x ADDRESS, -t TYPE, -4, -6 (a pasted dig, host or nslookup command works)',
    '• via NAME to ask another resolver the operator set up (see info); I ask no other server, so a server after @ gets a no',
    `• +trace after a name: I resolve it from the root servers myself, like dig +trace, one line per zone cut: ${botName} example.com MX +trace (counts as several questions)`,
  ];
  if (compareEnabled) lines.push('• example.com compare (or via all): one type asked of every resolver at once, and where their answers differ');
  if (bgpEnabled)
    lines.push(`• bgp ADDRESS, bgp PREFIX or AS64500: who announces it (from a RIB dump, also how many peers see it and through which upstreams)`);
  if (bgpEnabled && rpkiEnabled)
    lines.push('  with its RPKI state per origin AS (RFC 6811): valid, invalid and why, or not found (no ROA published, not a bad route)');
  if (bgpEnabled) lines.push('• bgp path ADDRESS: the distinct AS paths to it, most seen first');
  if (whoisEnabled)
    lines.push(
      `• whois NAME, whois ADDRESS, whois PREFIX or whois AS64500 (or rdap …): who holds it, from the registry's RDAP, checked against the DNS and BGP; abuse ADDRESS|PREFIX|ASN: the abuse mailbox alone`,
    );
  lines.push('• info: about this bot. I reply with the same visibility as your question.', logging[logQueries]);
  return lines.map((text) => ({ text }));
}
