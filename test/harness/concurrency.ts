/**
 * Maps `items` through `task` with at most `limit` tasks in flight; results keep input order.
 * The first failure rejects and stops new tasks from starting.
 *
 * @example
 * await mapWithConcurrency(tags, 16, (tag) => client.putManifest(repo, tag, bytes, type));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
