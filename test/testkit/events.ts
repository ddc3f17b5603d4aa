/** Callbacks turned into something to await: each call is queued until taken. */
export class Events<T> {
  private readonly queued: T[] = [];
  private readonly waiting: ((value: T) => void)[] = [];

  readonly push = (value: T): void => {
    const waiter = this.waiting.shift();
    if (waiter) waiter(value);
    else this.queued.push(value);
  };

  next(): Promise<T> {
    const value = this.queued.shift();
    return value !== undefined ? Promise.resolve(value) : new Promise((resolve) => this.waiting.push(resolve));
  }

  get pending(): number {
    return this.queued.length;
  }
}
