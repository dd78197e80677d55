import type { Clock } from "./clock.js";

interface HostState {
  active: number;
  waiting: (() => void)[];
  pausedUntil: number;
  /** Lowered when a rate-limit budget runs low. */
  limit: number;
}

/**
 * Politeness per registry host: at most `maxConcurrency` requests in flight, and no request
 * at all while the host has asked us to wait (`Retry-After`).
 */
export class HostGate {
  readonly #hosts = new Map<string, HostState>();
  readonly #clock: Clock;
  readonly #maxConcurrency: number;

  constructor(clock: Clock, maxConcurrency: number) {
    this.#clock = clock;
    this.#maxConcurrency = maxConcurrency;
  }

  async acquire(host: string): Promise<() => void> {
    const state = this.#state(host);
    // Bounded: each pass either waits out a pause or a free slot.
    for (;;) {
      const wait = state.pausedUntil - this.#clock.now();
      if (wait > 0) {
        await this.#clock.sleep(wait);
        continue;
      }
      if (state.active < state.limit) break;
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    }
    state.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.active--;
      state.waiting.shift()?.();
    };
  }

  /** Holds every new request to `host` until `until` (epoch ms). */
  pause(host: string, until: number): void {
    const state = this.#state(host);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  /** Narrows the host to one request at a time while its rate-limit budget is low. */
  throttle(host: string, low: boolean): void {
    const state = this.#state(host);
    const limit = low ? 1 : this.#maxConcurrency;
    const widened = limit > state.limit;
    state.limit = limit;
    if (widened) for (let i = 0; i < limit; i++) state.waiting.shift()?.();
  }

  #state(host: string): HostState {
    let state = this.#hosts.get(host);
    if (!state) {
      state = { active: 0, waiting: [], pausedUntil: 0, limit: this.#maxConcurrency };
      this.#hosts.set(host, state);
    }
    return state;
  }
}
