import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { LoopbackCert } from "./tls-cert.js";

/** How the receiver answers one request: a status (and body), or never. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | { hang: true };

export interface Received {
  /** Date.now() when the request's body had arrived. */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** What the receiver's format check found wrong (empty: the body is as documented). */
  problems: string[];
  answered: number | "hang";
}

export interface ReceiverOptions {
  /** HTTPS with this certificate (Slack and Discord take https URLs only). */
  tls?: LoopbackCert;
  /** The format check: problems with the body, none when it is as the receiver's documentation says. */
  check?: (
    json: unknown,
    request: { query: URLSearchParams; headers: IncomingHttpHeaders; body: string },
  ) => string[];
  /** The answer to a well-formed request when nothing is scripted. */
  accept: (request: Omit<Received, "answered" | "at">) => Answer;
  /** The answer to a request whose body fails the check. */
  reject: (problems: string[]) => Answer;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** The next requests' answers, in order, before the usual ones. */
  script(...answers: Answer[]): void;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP(S) server standing in for a webhook receiver: it records every request,
 * checks its body with `check`, and answers as scripted (500s, a 429 with Retry-After, or
 * never), then as the real service would.
 */
export async function startHttpReceiver(options: ReceiverOptions): Promise<HttpReceiver> {
  const received: Received[] = [];
  const scripted: Answer[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://receiver");
      let json: unknown = null;
      let problems: string[] = [];
      try {
        json = JSON.parse(body);
      } catch {
        problems = ["the body is not JSON"];
      }
      if (problems.length === 0 && options.check)
        problems = options.check(json, { query: url.searchParams, headers: req.headers, body });
      const request = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        json,
        problems,
      };
      const answer =
        problems.length > 0 ? options.reject(problems) : (scripted.shift() ?? options.accept(request));
      received.push({ ...request, at: Date.now(), answered: "hang" in answer ? "hang" : answer.status });
      if ("hang" in answer) {
        hung.add(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? "");
    });
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
    : createHttpServer(handle);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    received,
    script: (...answers) => scripted.push(...answers),
    async stop() {
      for (const socket of sockets) socket.destroy();
      hung.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
