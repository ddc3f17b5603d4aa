/**
 * `npm run demo`: the bot without an account anywhere. Starts the loopback
 * test instance and a DNS server with a demo zone, runs the real supervisor
 * and worker against them, asks a few questions as a demo user and prints
 * each question and reply as a person reads them, then stops everything.
 */
import { mentionText } from '../lib/fediverse/mention-text.ts';
import { startBotWorld, startSupervisor } from '../test/testkit/bot/bot-process.ts';

const questions: [string, string][] = [
  ['example.test MX', 'public'],
  ['dig +short example.test MX', 'public'],
  ['signed.example.test AAAA A', 'public'],
  ['café.example.test', 'public'],
  ['192.0.2.1', 'unlisted'],
  ['_443._tcp.example.test TLSA', 'private'],
  ['bgp 8.8.8.8', 'public'],
  ['secret.internal', 'direct'],
  ['example.test @1.1.1.1', 'unlisted'],
  ['example..test', 'public'],
];

const world = await startBotWorld({ localDomain: 'demo.test', pingIntervalMs: 5000 });
const bot = startSupervisor(world.env({ STREAM_SILENCE_MS: '15000', HEARTBEAT_TIMEOUT_MS: '30000' }));
try {
  await world.instance.waitFor(() => world.instance.openStreams(world.bot.acct) > 0, 20_000);
  console.log(`A Mastodon test instance (${world.instance.url}) and a DNS server (${world.dns.address}) run on loopback; @dig answers.\n`);
  for (const [text, visibility] of questions) {
    const question = world.instance.post(world.alice, { status: `@dig ${text}`, visibility });
    const replies = await world.instance.waitFor(() => {
      const found = world.instance.repliesTo(question.id);
      return found.length ? found : undefined;
    }, 15_000);
    console.log(`@alice (${visibility}): @dig ${text}`);
    for (const reply of replies) {
      console.log(`@dig (${reply.visibility}):\n${indent(mentionText(reply.content, []))}\n`);
    }
  }
} finally {
  await bot.stop('SIGTERM');
  await world.close();
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
