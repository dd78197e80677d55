import { setMaxListeners } from "node:events";
import { Pool } from "undici";

/** Where the load goes: one POST route, fixed headers, and a fresh body per request. */
export interface LoadTarget {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

export interface LoadTally {
  /** Requests whose response came back (any status) before the deadline. */
  finished: number;
  ok: number;
  /** Non-2xx statuses, network errors, and requests still open at the deadline. */
  errors: {
    status: Record<string, number>;
    network: number;
    /** Network errors by code (ECONNRESET, UND_ERR_SOCKET, ...). */
    network_codes: Record<string, number>;
    unfinished: number;
    total: number;
  };
  latency: { p50_ms: number; p90_ms: number; p99_ms: number; max_ms: number };
}

export interface OpenLoopResult extends LoadTally {
  scheduled: number;
  /** Responses that came back 2xx, per second of the schedule. */
  achieved_rps: number;
  /** How late the generator itself was in sending (a busy machine shows here, not hidden). */
  send_lag_p99_ms: number;
  /** The slowest answer to a request scheduled in each second: when a tail happened, not just how long. */
  max_ms_by_second: number[];
}

export interface ClosedLoopResult extends LoadTally {
  inFlight: number;
  seconds: number;
  rps: number;
}

const CONNECTIONS = 64;
const REQUEST_TIMEOUT_MS = 10_000;

function pool(target: LoadTarget): Pool {
  return new Pool(target.origin, {
    connections: CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
}

class Tally {
  readonly latencies: number[] = [];
  /** When each latency's request was due (performance.now()), in the same order. */
  readonly dueAt: number[] = [];
  readonly status: Record<string, number> = {};
  ok = 0;
  network = 0;
  readonly networkCodes: Record<string, number> = {};
  unfinished = 0;

  async send(client: Pool, target: LoadTarget, body: string, from: number, signal: AbortSignal) {
    try {
      const res = await client.request({
        method: "POST",
        path: target.path,
        headers: target.headers,
        body,
        signal,
      });
      await res.body.dump();
      this.latencies.push(performance.now() - from);
      this.dueAt.push(from);
      if (res.statusCode >= 200 && res.statusCode < 300) this.ok++;
      else this.status[res.statusCode] = (this.status[res.statusCode] ?? 0) + 1;
    } catch (error) {
      if (signal.aborted) {
        this.unfinished++;
        return;
      }
      this.network++;
      const code = (error as { code?: unknown }).code;
      const key = typeof code === "string" ? code : "other";
      this.networkCodes[key] = (this.networkCodes[key] ?? 0) + 1;
    }
  }

  result(): LoadTally {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
    const statusErrors = Object.values(this.status).reduce((a, b) => a + b, 0);
    return {
      finished: this.latencies.length,
      ok: this.ok,
      errors: {
        status: this.status,
        network: this.network,
        network_codes: this.networkCodes,
        unfinished: this.unfinished,
        total: statusErrors + this.network + this.unfinished,
      },
      latency: { p50_ms: at(0.5), p90_ms: at(0.9), p99_ms: at(0.99), max_ms: at(1) },
    };
  }
}

/**
 * Open loop: request i is sent at start + i/rps whatever happened to the others, and its
 * latency runs from that scheduled time, so a stalled server shows in the tail instead of
 * slowing the sender down (no coordinated omission). Bodies are made before the clock starts.
 * Whatever has not answered `graceMs` after the last send is aborted and counted as an error.
 */
export async function openLoop(
  target: LoadTarget,
  makeBody: () => string,
  options: { rps: number; seconds: number; graceMs: number },
): Promise<OpenLoopResult> {
  const total = Math.round(options.rps * options.seconds);
  const bodies = Array.from({ length: total }, makeBody);
  const client = pool(target);
  const tally = new Tally();
  const lags: number[] = [];
  const interval = 1000 / options.rps;
  const deadline = new AbortController();
  // Every request in flight listens to the one deadline.
  setMaxListeners(0, deadline.signal);
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 20;
  const timer = setTimeout(
    () => deadline.abort(),
    start - performance.now() + options.seconds * 1000 + options.graceMs,
  );
  try {
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = () => {
        const now = performance.now();
        // Catch up on every send that fell due while the timer slept.
        while (next < total && start + next * interval <= now) {
          const due = start + next * interval;
          lags.push(now - due);
          inFlight.push(tally.send(client, target, bodies[next] as string, due, deadline.signal));
          next++;
        }
        if (next >= total) return resolve();
        setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    await Promise.all(inFlight);
  } finally {
    clearTimeout(timer);
    await client.close();
  }
  const result = tally.result();
  lags.sort((a, b) => a - b);
  const bySecond = Array.from({ length: Math.ceil(options.seconds) }, () => 0);
  for (const [i, due] of tally.dueAt.entries()) {
    const second = Math.min(bySecond.length - 1, Math.floor((due - start) / 1000));
    bySecond[second] = Math.max(bySecond[second] ?? 0, tally.latencies[i] ?? 0);
  }
  return {
    scheduled: total,
    ...result,
    achieved_rps: round(result.ok / options.seconds, 1),
    send_lag_p99_ms: round(lags[Math.floor(0.99 * lags.length)] ?? 0),
    max_ms_by_second: bySecond.map((ms) => round(ms, 1)),
  };
}

/**
 * Closed loop at saturation: `inFlight` senders each post the next notification as soon as the
 * last one is answered, for `seconds`. Throughput is 2xx answers per second of wall time.
 */
export async function closedLoop(
  target: LoadTarget,
  makeBody: () => string,
  options: { inFlight: number; seconds: number },
): Promise<ClosedLoopResult> {
  const client = pool(target);
  const tally = new Tally();
  const deadline = new AbortController();
  setMaxListeners(0, deadline.signal);
  const started = performance.now();
  const end = started + options.seconds * 1000;
  const timer = setTimeout(() => deadline.abort(), options.seconds * 1000 + REQUEST_TIMEOUT_MS);
  try {
    await Promise.all(
      Array.from({ length: options.inFlight }, async () => {
        while (performance.now() < end && !deadline.signal.aborted) {
          await tally.send(client, target, makeBody(), performance.now(), deadline.signal);
        }
      }),
    );
  } finally {
    clearTimeout(timer);
    await client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const result = tally.result();
  return {
    inFlight: options.inFlight,
    seconds: round(seconds),
    ...result,
    rps: round(result.ok / seconds, 1),
  };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
