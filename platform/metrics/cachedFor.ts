/**
 * `load`'s answer, asked for at most once every `ms`: every scrape in that time (several Prometheus servers, a
 * scrape storm) shares one query, and a scrape during a load waits for it instead of starting another. A failed
 * load is not kept, so the next scrape tries again.
 */
export function cachedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let latest: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = Date.now();
    if (!latest || now - latest.at >= ms) {
      const entry = { at: now, value: load() };
      latest = entry;
      entry.value.catch(() => {
        if (latest === entry) latest = null;
      });
    }
    return latest.value;
  };
}
