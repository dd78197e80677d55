/**
 * Wraps a read so that every caller gets the result of a read begun after its call, while
 * callers that arrive together share one: a caller that finds a read in flight waits for the
 * next one, which starts when that one ends and serves everyone who came meanwhile. A burst
 * of webhook deliveries then costs a read or two, not one each, and none of them misses a
 * commit made before it asked. Each caller gets its own copy of the rows.
 *
 * @example
 * const names = freshReads(() => loadNames());
 * const [a, b] = await Promise.all([names(), names()]); // one read for both
 */
export function freshReads<T>(load: () => Promise<T[]>): () => Promise<T[]> {
  let running: Promise<T[]> | undefined;
  let next: Promise<T[]> | undefined;
  const start = (): Promise<T[]> => {
    const read = load().finally(() => {
      if (running === read) running = undefined;
    });
    running = read;
    return read;
  };
  return async () => {
    if (running === undefined) return [...(await start())];
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return [...(await next)];
  };
}
