import { afterEach } from 'node:test';

/**
 * Registers, in the suite that calls it, an afterEach that closes what a test opened, whatever the test
 * asserted; call the result with each thing opened (it gives it back).
 */
export function closedAfterEach<T extends { close(): void }>(): (opened: T) => T {
  const opened: T[] = [];
  afterEach(() => {
    for (const each of opened.splice(0)) each.close();
  });
  return (each) => {
    opened.push(each);
    return each;
  };
}
