/**
 * The load: questions posted to the test instance as its askers, and the
 * bot's replies followed as they are posted.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { BotWorld } from '../../test/testkit/bot/bot-process.ts';
import type { LocalTestAccount } from '../../test/testkit/mastodon-instance.ts';
import { questionAt, type Phase, type Question } from './questions.ts';

/**
 * Follows the bot's replies as they are posted, from the instance's request
 * log (cheap: rendering statuses on the test instance costs O(statuses) each,
 * so the exact check waits until the end).
 */
export class ReplyTracker {
  readonly questions = new Map<string, Question>();
  /** Question id → when its first reply was posted. */
  readonly answered = new Map<string, number>();
  #next = 0;

  constructor(private readonly world: BotWorld) {}

  ask(author: LocalTestAccount, n: number, phase: Phase, spec = questionAt(n)): Question {
    const status = this.world.instance.post(author, { status: `@${this.world.bot.username} ${spec.text}`, visibility: spec.visibility });
    const question = { id: status.id, phase, spec, postedAt: Date.parse(status.created_at) };
    this.questions.set(question.id, question);
    return question;
  }

  /** Reads the requests logged since the last call; stops at the first one still being answered. */
  update(): void {
    const requests = this.world.instance.requests;
    for (; this.#next < requests.length; this.#next++) {
      const request = requests[this.#next]!;
      if (request.websocket) continue;
      if (request.status === undefined) break;
      if (request.method !== 'POST' || request.path !== '/api/v1/statuses' || request.status !== 200) continue;
      const parent = String(request.params?.in_reply_to_id ?? '');
      if (this.questions.has(parent) && !this.answered.has(parent)) this.answered.set(parent, request.at.getTime());
    }
  }

  count(phases: readonly Phase[]): { asked: number; answered: number } {
    this.update();
    let asked = 0;
    let answered = 0;
    for (const question of this.questions.values()) {
      if (!phases.includes(question.phase)) continue;
      asked++;
      if (this.answered.has(question.id)) answered++;
    }
    return { asked, answered };
  }
}

/** Posts `count` questions from `first` on, in slices, so the instance keeps serving the bot in between. */
export async function postMany(tracker: ReplyTracker, askers: readonly LocalTestAccount[], first: number, count: number, phase: Phase): Promise<void> {
  const SLICE = 25;
  for (let i = 0; i < count; i++) {
    tracker.ask(askers[(first + i) % askers.length]!, first + i, phase);
    if (i % SLICE === SLICE - 1) await yieldToLoop();
  }
}
