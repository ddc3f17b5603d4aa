import type { ReplyLine } from '../reply/split-reply.ts';

/** The answer to `help` or to an empty question. */
const logging = {
  all: 'I log each question with its text, to run and debug this bot.',
  'public-only': 'I log the text of public and unlisted questions only; of private and direct ones, only that they were answered.',
  none: 'I log no question texts, only that questions were answered.',
};

export function helpLines(botName: string, bgpEnabled: boolean, logQueries: keyof typeof logging): ReplyLine[] {
  const lines = [
    `I look things up in the DNS${bgpEnabled ? ' and in BGP' : ''}. Mention me with:`,
    `• a name and types: ${botName} example.com MX (default A; several types at once: A AAAA MX; ADDR = A+AAAA)`,
    `• an IP address for its reverse name: ${botName} 2001:db8::1`,
    '• via NAME to ask another resolver, if the operator set some up (see info)',
    `• +trace after a name: I resolve it from the root servers myself, like dig +trace, one line per zone cut: ${botName} example.com MX +trace (counts as several questions)`,
  ];
  if (bgpEnabled) lines.push(`• bgp ADDRESS, bgp PREFIX or AS64500: who announces it`);
  lines.push('• info: about this bot. I reply with the same visibility as your question.', logging[logQueries]);
  return lines.map((text) => ({ text }));
}
