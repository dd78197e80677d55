import type { Socket } from "node:net";
import { Pool } from "undici";
import type { z } from "zod";
import type { EngineConnector } from "./docker-engine-connector.js";

/** dockerd 20.10's API; newer daemons still serve it, so behaviour stays the same everywhere. */
export const DOCKER_API_VERSION = "v1.41";
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface EngineRequest {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Statuses that are answers rather than failures, e.g. 404 for "no such container". */
  accept?: readonly number[];
}

export interface EngineResponse {
  status: number;
  body: string;
}

/** A Docker Engine API call that failed; `status` 0 means no HTTP answer arrived. */
export class DockerEngineError extends Error {
  override readonly name = "DockerEngineError";
  readonly status: number;

  constructor(message: string, options: { status: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
}

/**
 * A small Docker Engine API client over any byte stream (unix socket, SSH exec channel). undici
 * speaks the HTTP/1.1; the connector decides where the bytes go.
 *
 * @example
 * const engine = new DockerEngine(unixSocketConnector("/var/run/docker.sock"));
 * const version = await engine.json("GET", "/version", versionSchema);
 * await engine.close();
 */
export class DockerEngine {
  readonly label: string;
  readonly #connector: EngineConnector;
  readonly #pool: Pool;

  constructor(connector: EngineConnector, options: { connections?: number } = {}) {
    this.#connector = connector;
    this.label = connector.label;
    this.#pool = new Pool("http://docker.engine", {
      // Every connection is an SSH session in SSH mode; sshd allows 10 per connection by default.
      connections: options.connections ?? 4,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      connect: (_options, callback) => {
        connector.open().then(
          // undici only needs a Duplex; its type asks for a Socket.
          (stream) => callback(null, stream as Socket),
          (error: Error) => callback(error, null),
        );
      },
    });
  }

  /** Calls the API and returns status and body text; non-accepted statuses >= 400 throw. */
  async call(method: string, path: string, request: EngineRequest = {}): Promise<EngineResponse> {
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let status = 0;
    let body = "";
    try {
      const response = await this.#pool.request({
        method: method as "GET",
        path: this.#path(path, request.query),
        headers: {
          ...(request.body === undefined ? {} : { "content-type": "application/json" }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      body = await readLimited(response.body, MAX_BODY_BYTES);
    } catch (error) {
      throw this.#transportError(method, path, timeoutMs, error);
    }
    if (status >= 400 && !(request.accept ?? []).includes(status)) {
      throw new DockerEngineError(`${method} ${path} on ${this.label}: ${status} ${daemonMessage(body)}`, {
        status,
      });
    }
    return { status, body };
  }

  /** Calls the API and validates the JSON answer; outside JSON is never trusted unchecked. */
  async json<T>(method: string, path: string, schema: z.ZodType<T>, request: EngineRequest = {}): Promise<T> {
    const { body } = await this.call(method, path, request);
    return this.#validate(method, path, schema, body);
  }

  /** Like {@link json}, but a 404 ("no such container/image") is null instead of an error. */
  async jsonOrNull<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    request: EngineRequest = {},
  ): Promise<T | null> {
    const { status, body } = await this.call(method, path, { ...request, accept: [404] });
    return status === 404 ? null : this.#validate(method, path, schema, body);
  }

  #validate<T>(method: string, path: string, schema: z.ZodType<T>, body: string): T {
    const parsed = schema.safeParse(safeJson(body));
    if (!parsed.success) {
      throw new DockerEngineError(
        `${method} ${path} on ${this.label}: unexpected answer (${parsed.error.issues[0]?.message ?? "invalid"})`,
        { status: 200 },
      );
    }
    return parsed.data;
  }

  /**
   * Calls an endpoint that streams JSON lines (image pull, build), handing each line to
   * `onLine` as it arrives; `timeoutMs` bounds the whole call.
   */
  async streamLines(
    method: string,
    path: string,
    request: EngineRequest,
    onLine: (line: unknown) => void,
  ): Promise<void> {
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const response = await this.#pool.request({
        method: method as "POST",
        path: this.#path(path, request.query),
        headers: request.headers ?? {},
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (response.statusCode >= 400) {
        const body = await readLimited(response.body, MAX_BODY_BYTES);
        throw new DockerEngineError(
          `${method} ${path} on ${this.label}: ${response.statusCode} ${daemonMessage(body)}`,
          { status: response.statusCode },
        );
      }
      let pending = "";
      for await (const chunk of response.body) {
        pending += (chunk as Buffer).toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) if (line.trim() !== "") onLine(safeJson(line));
      }
      if (pending.trim() !== "") onLine(safeJson(pending));
    } catch (error) {
      if (error instanceof DockerEngineError) throw error;
      throw this.#transportError(method, path, timeoutMs, error);
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  #path(path: string, query: EngineRequest["query"]): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) params.set(key, String(value));
    const search = params.size > 0 ? `?${params}` : "";
    return `/${DOCKER_API_VERSION}${path}${search}`;
  }

  #transportError(method: string, path: string, timeoutMs: number, error: unknown): DockerEngineError {
    const complaint = this.#connector.lastComplaint();
    const reason =
      error instanceof Error && (error.name === "TimeoutError" || /timeout/i.test(error.name))
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
    const detail = complaint === "" ? reason : `${reason} (${complaint})`;
    return new DockerEngineError(`${method} ${path} on ${this.label}: ${detail}`, {
      status: 0,
      cause: error,
    });
  }
}

function daemonMessage(body: string): string {
  const parsed = safeJson(body);
  if (
    typeof parsed === "object" &&
    parsed !== null &&
    "message" in parsed &&
    typeof parsed.message === "string"
  )
    return parsed.message;
  return body.trim().slice(0, 500);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readLimited(
  body: AsyncIterable<unknown> & { destroy(): unknown },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
