import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for a hosted registry that cannot run here (Docker Hub, GHCR, ECR ...):
 * it answers with the provider's documented challenge header and token response shapes, and
 * records every request so tests can assert what the client sent.
 */
export interface ProviderScript {
  /** `WWW-Authenticate` value; `{origin}` is replaced by this server's origin. */
  challenge: string;
  /** Path of the token endpoint (Bearer providers). */
  tokenPath?: string;
  /** Token endpoint answer for accepted credentials. */
  tokenResponse?: (req: IncomingMessage) => Record<string, unknown>;
  /** Which `Authorization` values the token endpoint (or Basic registry) accepts; null = anonymous. */
  accepts: (authorization: string | null) => boolean;
  /** Extra handler for provider APIs (ECR's GetAuthorizationToken). */
  extra?: (req: IncomingMessage, body: string) => { status: number; body: unknown } | null;
  /** Headers added to every registry response (Docker Hub's rate-limit headers). */
  registryHeaders?: () => Record<string, string>;
  tags?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeProvider {
  origin: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: `sha256:${"c".repeat(64)}`,
    size: 2,
  },
  layers: [],
});

export async function startFakeProvider(script: ProviderScript): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const issued = new Set<string>();
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", origin);
    requests.push({
      method: req.method ?? "",
      path: `${url.pathname}${url.search}`,
      headers: req.headers,
      body,
    });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
    };
    const extra = script.extra?.(req, body);
    if (extra) return send(extra.status, extra.body);
    const authorization = req.headers.authorization ?? null;
    if (script.tokenPath && url.pathname === script.tokenPath) {
      if (!script.accepts(authorization))
        return send(401, { errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] });
      const response = script.tokenResponse?.(req) ?? {};
      const token = `tok-${++counter}`;
      issued.add(token);
      return send(200, {
        ...response,
        ...("access_token" in response && !("token" in response) ? { access_token: token } : { token }),
      });
    }
    const bearerOk = authorization?.startsWith("Bearer ") && issued.has(authorization.slice(7));
    const basicOk = !script.tokenPath && authorization !== null && script.accepts(authorization);
    if (!bearerOk && !basicOk) {
      return send(
        401,
        { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
        {
          "www-authenticate": script.challenge.replaceAll("{origin}", origin),
        },
      );
    }
    const headers = script.registryHeaders?.() ?? {};
    if (url.pathname === "/v2/") return send(200, {}, headers);
    if (url.pathname.endsWith("/tags/list"))
      return send(200, { name: "x", tags: script.tags ?? ["v1"] }, headers);
    if (url.pathname.includes("/manifests/")) {
      const digest = `sha256:${(await import("node:crypto")).createHash("sha256").update(MANIFEST).digest("hex")}`;
      return send(200, req.method === "HEAD" ? "" : MANIFEST, {
        ...headers,
        "content-type": "application/vnd.oci.image.manifest.v1+json",
        "docker-content-digest": digest,
      });
    }
    return send(404, { errors: [{ code: "NAME_UNKNOWN", message: "not here" }] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function basicOf(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
