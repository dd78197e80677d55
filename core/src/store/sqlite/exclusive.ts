/**
 * Runs tasks one at a time, in call order. The store has one connection; a second query
 * issued while a transaction is open on it would be refused, so every store call queues.
 */
export type Exclusive = <T>(task: () => Promise<T>) => Promise<T>;

export function createExclusive(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    // The next task waits for this one to settle, whether it succeeded or not.
    tail = run.catch(() => undefined);
    return run;
  };
}
