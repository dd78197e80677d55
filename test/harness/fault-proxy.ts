import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { describeFault, type Fault, type FaultRule, FaultRules, type InjectedFault } from "./fault-rules.js";
import { tagPage } from "./tag-pages.js";

export interface ProxiedRequest {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** The injected fault, e.g. "status 429", "drop"; absent when forwarded untouched. */
  faulted?: string;
  /** The status the client got, once known (absent for drop and hang). */
  status?: number;
}

export interface FaultProxyOptions {
  /**
   * Page `GET /v2/<repo>/tags/list` by `n` and `last` with a `Link` header, as OCI
   * Distribution (and registry 3, GHCR, Harbor...) do; registry 2.8 ignores both parameters.
   */
  paginateTags?: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  host: string;
  target: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly ProxiedRequest[];
  inject(rule: FaultRule): InjectedFault;
  /** Drops pending faults and the request log. */
  clear(): void;
  stop(): Promise<void>;
}

// Hop-by-hop headers belong to one connection and must not be forwarded.
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

/**
 * An HTTP reverse proxy on 127.0.0.1 in front of `targetUrl` that forwards everything
 * (bodies streamed, Authorization kept) and injects faults on demand. Upload `Location` and
 * `Link` headers pointing at the target are rewritten to the proxy; the token realm is not,
 * so token requests go straight to the issuer.
 *
 * @example
 * const proxy = await startFaultProxy(registry.url);
 * proxy.inject({ match: { pathIncludes: "/tags/list" }, times: 1,
 *   fault: { kind: "status", status: 429, headers: { "Retry-After": "2" } } });
 */
export async function startFaultProxy(
  targetUrl: string,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  const rules = new FaultRules();
  const requests: ProxiedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let proxyOrigin = "";

  const rewrite = (value: string) => value.replaceAll(target.origin, proxyOrigin);

  const forward = (req: IncomingMessage, res: ServerResponse, entry: ProxiedRequest) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), host: target.host },
        agent,
      },
      (upstreamRes) => {
        const headers = endToEnd(upstreamRes.headers);
        for (const name of ["location", "link"]) {
          const value = headers[name];
          if (typeof value === "string") headers[name] = rewrite(value);
        }
        entry.status = upstreamRes.statusCode ?? 502;
        res.writeHead(entry.status, headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) res.destroy(error);
      else
        sendJson(res, entry, 502, { errors: [{ code: "UNAVAILABLE", message: `proxy: ${error.message}` }] });
    });
    // Only an unfinished exchange (client gone) tears the upstream down; a finished one keeps its socket.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const paginate = async (req: IncomingMessage, res: ServerResponse, entry: ProxiedRequest, repo: string) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const full = await fetch(`${target.origin}${url.pathname}`, {
      headers: req.headers.authorization ? { authorization: req.headers.authorization } : {},
    });
    const body = await full.text();
    if (full.status !== 200) {
      const headers: Record<string, string> = {
        "content-type": full.headers.get("content-type") ?? "text/plain",
      };
      const challenge = full.headers.get("www-authenticate");
      if (challenge) headers["www-authenticate"] = challenge;
      entry.status = full.status;
      res.writeHead(full.status, headers).end(body);
      return;
    }
    const list = JSON.parse(body) as { name: string; tags: string[] | null };
    const page = tagPage(repo, list.tags ?? [], url.searchParams);
    if (page.link) res.setHeader("Link", page.link);
    sendJson(res, entry, 200, { name: list.name, tags: page.tags });
  };

  const applyFault = (fault: Fault, req: IncomingMessage, res: ServerResponse, entry: ProxiedRequest) => {
    switch (fault.kind) {
      case "status": {
        const body =
          fault.body ??
          JSON.stringify({ errors: [{ code: "UNKNOWN", message: `injected ${fault.status}` }] });
        entry.status = fault.status;
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers }).end(body);
        return;
      }
      case "delay": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) route(req, res, entry);
        }, fault.ms);
        timers.add(timer);
        return;
      }
      case "drop":
        req.socket.destroy();
        return;
      case "hang":
        // Never answered; stop() destroys the socket.
        return;
    }
  };

  const route = (req: IncomingMessage, res: ServerResponse, entry: ProxiedRequest) => {
    const repo = /^\/v2\/(.+)\/tags\/list(?:\?|$)/.exec(req.url ?? "")?.[1];
    if (options.paginateTags && req.method === "GET" && repo !== undefined) {
      paginate(req, res, entry, repo).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, entry, 502, { errors: [{ code: "UNAVAILABLE", message: String(error) }] });
      });
    } else {
      forward(req, res, entry);
    }
  };

  const server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const entry: ProxiedRequest = { method, path, at: Date.now() };
    requests.push(entry);
    const fault = rules.take(method, path);
    if (fault === null) {
      route(req, res, entry);
      return;
    }
    entry.faulted = describeFault(fault);
    applyFault(fault, req, res, entry);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxyOrigin = `http://${host}`;

  return {
    url: proxyOrigin,
    host,
    target: target.origin,
    requests,
    inject: (rule) => rules.add(rule),
    clear() {
      rules.clear();
      requests.length = 0;
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function sendJson(res: ServerResponse, entry: ProxiedRequest, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  entry.status = status;
  res
    .writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
}
