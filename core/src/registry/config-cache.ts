/**
 * Image configs by digest. A digest names its content, so one fetched config serves every
 * repository and registry that references it; concurrent misses share one request.
 */
export class ContentCache<T> {
  readonly #entries = new Map<string, Promise<T>>();
  readonly #max: number;

  constructor(max = 5000) {
    this.#max = max;
  }

  get(digest: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(digest);
    if (hit) {
      // Refresh recency: Map keeps insertion order, the first key is the eldest.
      this.#entries.delete(digest);
      this.#entries.set(digest, hit);
      return hit;
    }
    const pending = load();
    pending.catch(() => this.#entries.delete(digest));
    this.#entries.set(digest, pending);
    if (this.#entries.size > this.#max) {
      const eldest = this.#entries.keys().next().value;
      if (eldest !== undefined) this.#entries.delete(eldest);
    }
    return pending;
  }
}
