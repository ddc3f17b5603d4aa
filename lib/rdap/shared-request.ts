/**
 * One request that several askers wait for: the RDAP client hands the same
 * one to everyone who asks for an object while it is under way. It is tied
 * to no asker's signal (it has its own time limit, the guarded fetch's): an
 * asker whose signal aborts (its question timed out, the bot is stopping)
 * stops waiting, rejected with the signal's reason as a fetch with that
 * signal would be, and the others go on waiting (one whose signal aborted
 * before it asked gives up at once). When the last asker gives up
 * before the answer, nobody needs the request any more: it is stopped, and
 * `onAbandoned` is called so that it is not kept as anyone's answer.
 */
export class SharedRequest<T> {
  readonly answer: Promise<T>;
  private readonly stopping = new AbortController();
  private waiting = 0;
  private settled = false;

  constructor(
    start: (signal: AbortSignal) => Promise<T>,
    private readonly onAbandoned: () => void,
  ) {
    this.answer = start(this.stopping.signal).finally(() => {
      this.settled = true;
    });
    // Each asker takes the rejection; once all have given up, nobody does.
    this.answer.catch(() => {});
  }

  /** The answer, or a rejection with `signal`'s reason as soon as it aborts. An asker without a signal waits to the end. */
  wait(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) {
      // Given up before asking: if nobody else waits either, nobody needs the request.
      this.stopIfUnwanted();
      return Promise.reject(signal.reason);
    }
    this.waiting++;
    if (!signal) return this.answer;
    return new Promise<T>((resolve, reject) => {
      const giveUp = () => {
        reject(signal.reason);
        this.leave();
      };
      signal.addEventListener('abort', giveUp, { once: true });
      this.answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', giveUp));
    });
  }

  private leave(): void {
    this.waiting--;
    this.stopIfUnwanted();
  }

  private stopIfUnwanted(): void {
    if (this.waiting > 0 || this.settled) return;
    this.stopping.abort();
    this.onAbandoned();
  }
}
