import type { Clock } from "./clock.js";

interface Entry {
  token: string;
  expiresAt: number;
}

/**
 * Bearer tokens per (realm, service, scope, identity), kept until shortly before `expires_in`
 * runs out. Concurrent misses for one key share a single token request.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<string>>();
  readonly #clock: Pick<Clock, "now">;
  readonly #maxEntries: number;

  constructor(clock: Pick<Clock, "now">, maxEntries = 2000) {
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** The cached token, or the result of `fetch` (deduplicated while it runs). */
  async get(key: string, fetch: () => Promise<{ token: string; expiresInS: number }>): Promise<string> {
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > this.#clock.now()) return hit.token;
    const running = this.#inflight.get(key);
    if (running) return running;
    const request = fetch()
      .then(({ token, expiresInS }) => {
        this.#store(key, token, expiresInS);
        return token;
      })
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, request);
    return request;
  }

  /** Forget a token the registry refused before its time. */
  invalidate(key: string): void {
    this.#entries.delete(key);
  }

  #store(key: string, token: string, expiresInS: number): void {
    // Token spec: no expires_in means 60 s. Renew a little early so a request never races expiry.
    const lifetimeMs = (expiresInS > 0 ? expiresInS : 60) * 1000;
    const margin = Math.min(10_000, lifetimeMs * 0.1);
    if (this.#entries.size >= this.#maxEntries) this.#evictExpired();
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { token, expiresAt: this.#clock.now() + lifetimeMs - margin });
  }

  #evictExpired(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
