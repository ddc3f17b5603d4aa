/**
 * `npm run lookup -- example.com MX`: asks the engine exactly what a mention
 * would ask and prints the post(s) the bot would send, separated by `---`.
 */
import 'dotenv/config';
import { integer, readEngineConfig } from '../lib/engine/config.ts';
import { LookingGlass } from '../lib/engine/looking-glass.ts';
import { createLogger } from '../lib/ops/logger.ts';
import { splitReply } from '../lib/reply/split-reply.ts';
import { configOrExit, exitOnSetupError } from './config.ts';

const config = configOrExit(() => readEngineConfig(process.env));
const maxCharacters = configOrExit(() => integer(process.env, 'MAX_CHARACTERS', 500, 100, 100_000));
// With STATE_DIR, the table and VRP snapshots are used and kept as the bot does: a second question about a full RIB does not load it again.
const snapshotDir = process.env.STATE_DIR?.trim() || undefined;
const engine = await LookingGlass.open(config, { logger: createLogger('lookup', 'pretty', 2), snapshotDir }).catch(exitOnSetupError);
const answer = await engine.answer(process.argv.slice(2).join(' '));
engine.close();
const parts = splitReply(answer.lines, { maxCharacters, maxParts: config.maxParts });
process.stdout.write(`${parts.join('\n---\n')}\n`);
