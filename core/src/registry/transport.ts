import { Agent, type Dispatcher, request } from "undici";
import { type Clock, systemClock } from "./clock.js";
import { RegistryError } from "./errors.js";
import { HostGate } from "./host-gate.js";
import { describeNetworkError } from "./network-error.js";
import {
  backoffDelay,
  parseRateLimitRemaining,
  parseRetryAfter,
  RETRYABLE_STATUSES,
} from "./retry-policy.js";

export const REQUEST_KINDS = [
  "ping",
  "token",
  "catalog",
  "tags",
  "head",
  "manifest",
  "blob",
  "referrers",
  "provider",
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface RegistryRequest {
  kind: RequestKind;
  method: "GET" | "HEAD" | "POST";
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Responses above this size are refused: a registry is outside input. */
  maxBodyBytes?: number;
}

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request on the wire, for metrics and benchmarks. */
export interface RequestEvent {
  kind: RequestKind;
  method: string;
  host: string;
  status: number;
  attempt: number;
  durationMs: number;
}

export interface TransportOptions {
  dispatcher?: Dispatcher;
  clock?: Clock;
  random?: () => number;
  maxConcurrencyPerHost?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this fails the request (temporary) instead of blocking a sync. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  /** Manifest GETs stop when a host reports this few remaining pulls (Docker Hub). */
  rateLimitReserve?: number;
  onRequest?: (event: RequestEvent) => void;
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

export function header(headers: RegistryResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * HTTP for registries: per-host concurrency, retries with backoff and jitter on 429/5xx and
 * network faults, `Retry-After` honoured for the whole host, rate-limit budgets respected.
 * Authentication is the caller's business (see `Authorizer`).
 */
export class Transport {
  readonly #dispatcher: Dispatcher;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #gate: HostGate;
  readonly #opts: Required<Omit<TransportOptions, "dispatcher" | "clock" | "random" | "onRequest">>;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #remaining = new Map<string, number>();

  constructor(options: TransportOptions = {}) {
    const maxConcurrencyPerHost = options.maxConcurrencyPerHost ?? 8;
    this.#dispatcher =
      options.dispatcher ?? new Agent({ connections: maxConcurrencyPerHost, connect: { timeout: 10_000 } });
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#gate = new HostGate(this.#clock, maxConcurrencyPerHost);
    this.#onRequest = options.onRequest;
    this.#opts = {
      maxConcurrencyPerHost,
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: options.baseDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 8_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 30_000,
      rateLimitReserve: options.rateLimitReserve ?? 5,
    };
  }

  /**
   * Sends `req`, retrying temporary failures. Returns any final response (the caller reads
   * 401, 404 ...); throws `RegistryError` when retries run out or no response ever came.
   */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const host = req.url.host;
    const where = `${req.method} ${host}${req.url.pathname}`;
    this.#checkBudget(req, host);
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.#opts.maxAttempts;
      const release = await this.#gate.acquire(host);
      const started = this.#clock.now();
      let response: RegistryResponse;
      try {
        response = await this.#once(req);
      } catch (error) {
        release();
        this.#emit(req, host, 0, attempt, started);
        if (error instanceof RegistryError && !error.temporary) throw error;
        if (last) {
          const reason = describeNetworkError(error, host, this.#opts.timeoutMs);
          throw new RegistryError(`Registry request failed: ${reason} (${where})`, {
            status: 0,
            cause: error,
          });
        }
        await this.#clock.sleep(this.#backoff(attempt));
        continue;
      }
      release();
      this.#emit(req, host, response.status, attempt, started);
      this.#noteRateLimit(host, response);
      if (!RETRYABLE_STATUSES.has(response.status)) return response;

      const retryAfter = parseRetryAfter(header(response.headers, "retry-after"), this.#clock.now());
      if (retryAfter !== null)
        this.#gate.pause(host, this.#clock.now() + Math.min(retryAfter, this.#opts.maxRetryAfterMs));
      if (last || (retryAfter !== null && retryAfter > this.#opts.maxRetryAfterMs)) {
        throw RegistryError.fromStatus(response.status, [], where);
      }
      // With Retry-After the gate already holds the host; otherwise back off here.
      if (retryAfter === null) await this.#clock.sleep(this.#backoff(attempt));
    }
  }

  async #once(req: RegistryRequest): Promise<RegistryResponse> {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers ?? {},
      body: req.body ?? null,
      // undici closes the connection after every HEAD unless told otherwise (a guard against
      // servers that send a HEAD response a body). Registries answer HEAD correctly, and a
      // warm sync is mostly HEADs: without this each one paid a new connection (and TLS).
      reset: false,
      dispatcher: this.#dispatcher,
      headersTimeout: this.#opts.timeoutMs,
      bodyTimeout: this.#opts.timeoutMs,
    });
    const body =
      req.method === "HEAD"
        ? Buffer.alloc(0)
        : await readLimited(res.body, req.maxBodyBytes ?? DEFAULT_MAX_BODY);
    if (req.method === "HEAD") await res.body.dump();
    return { status: res.statusCode, headers: res.headers, body };
  }

  #checkBudget(req: RegistryRequest, host: string): void {
    const remaining = this.#remaining.get(host);
    if (
      req.kind === "manifest" &&
      req.method === "GET" &&
      remaining !== undefined &&
      remaining <= this.#opts.rateLimitReserve
    ) {
      throw new RegistryError(
        `Registry pull budget nearly spent on ${host} (${remaining} left); manifest downloads wait for the next sync`,
        { status: 429, temporary: true },
      );
    }
  }

  #noteRateLimit(host: string, response: RegistryResponse): void {
    const remaining = parseRateLimitRemaining(header(response.headers, "ratelimit-remaining"));
    if (remaining === null) return;
    const limit = parseRateLimitRemaining(header(response.headers, "ratelimit-limit"));
    this.#remaining.set(host, remaining);
    // Below a fifth of the budget, go one request at a time so the reserve is never overrun.
    this.#gate.throttle(host, remaining <= Math.max(this.#opts.rateLimitReserve * 2, (limit ?? 0) / 5));
  }

  #backoff(attempt: number): number {
    return backoffDelay(attempt, this.#opts.baseDelayMs, this.#opts.maxDelayMs, this.#random);
  }

  #emit(req: RegistryRequest, host: string, status: number, attempt: number, started: number): void {
    this.#onRequest?.({
      kind: req.kind,
      method: req.method,
      host,
      status,
      attempt,
      durationMs: this.#clock.now() - started,
    });
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new RegistryError(`Registry response larger than ${max} bytes`, { status: 0, temporary: false });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
