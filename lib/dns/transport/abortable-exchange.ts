/**
 * A promise around a socket exchange that settles once: with the answer, an
 * error, or the signal's reason when it aborts (the timeout); `close` runs
 * whichever way it ends, so no socket outlives its exchange.
 */
export function abortableExchange<T>(
  signal: AbortSignal,
  close: () => void,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      close();
      settle();
    };
    const onAbort = () => finish(() => reject(signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    start(
      (value) => finish(() => resolve(value)),
      (error) => finish(() => reject(error)),
    );
  });
}
