/**
 * Maps one item at a time, in order. Storage calls of one use case share one connection (a
 * PostgreSQL transaction is one client; SQLite one handle): run them one after another, not with
 * `Promise.all`, which would interleave them (and their savepoints).
 */
export async function mapInOrder<T, R>(
  items: Iterable<T>,
  fn: (item: T, index: number) => Promise<R> | R,
): Promise<R[]> {
  const results: R[] = [];
  let index = 0;
  for (const item of items) results.push(await fn(item, index++));
  return results;
}
