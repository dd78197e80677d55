import { Agent, request } from "undici";
import { z } from "zod";

/** Where an API server is and which certificate its TLS answers with. Plain data. */
export interface KubernetesEndpoint {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** The API server's self-signed serving certificate, to trust as the CA. */
  caPem: string;
}

export type KubeMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface KubeRequestOptions {
  body?: unknown;
  /** Default `application/json`; patches name their kind, e.g. `application/merge-patch+json`. */
  contentType?: string;
  signal?: AbortSignal;
}

/** Plain HTTPS to one API server as one identity (a bearer token). */
export interface KubeClient {
  request(method: KubeMethod, path: string, options?: KubeRequestOptions): Promise<KubeResponse>;
  /** Like `request`, but a non-2xx answer throws with Kubernetes' own message. */
  ok(method: KubeMethod, path: string, options?: KubeRequestOptions): Promise<unknown>;
  /**
   * A streamed `?watch=true` answer, one parsed event per line, until the server ends it: ask for
   * `timeoutSeconds` under 30, the longest this client waits between two chunks.
   */
  watch(path: string, signal: AbortSignal): AsyncGenerator<unknown>;
  close(): Promise<void>;
}

/** The `Status` object Kubernetes answers failures with. */
export const kubeStatusSchema = z.object({
  kind: z.literal("Status"),
  message: z.string().default(""),
  reason: z.string().default(""),
  code: z.number().optional(),
});

/**
 * A client that trusts only the endpoint's CA and sends `token` as the bearer token.
 *
 * @example
 * const admin = kubeClient(cluster.info, cluster.info.adminToken);
 * const ns = await admin.ok("GET", "/api/v1/namespaces/default");
 */
export function kubeClient(endpoint: KubernetesEndpoint, token: string): KubeClient {
  const dispatcher = new Agent({ connect: { ca: endpoint.caPem }, keepAliveTimeout: 10_000 });
  const send = async (method: KubeMethod, path: string, options: KubeRequestOptions = {}) => {
    const hasBody = options.body !== undefined;
    return request(`${endpoint.url}${path}`, {
      method,
      dispatcher,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(hasBody ? { "content-type": options.contentType ?? "application/json" } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  };
  return {
    async request(method, path, options) {
      const response = await send(method, path, options);
      const text = await response.body.text();
      const json = String(response.headers["content-type"] ?? "").startsWith("application/json");
      return { status: response.statusCode, body: json ? JSON.parse(text) : text };
    },
    async ok(method, path, options) {
      const response = await this.request(method, path, options);
      if (response.status >= 200 && response.status < 300) return response.body;
      throw new Error(`${method} ${path}: ${response.status} ${statusMessage(response.body)}`);
    },
    async *watch(path, signal) {
      const response = await send("GET", path, { signal });
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        throw new Error(`watch ${path}: ${response.statusCode} ${text.slice(0, 500)}`);
      }
      let pending = "";
      for await (const chunk of response.body) {
        pending += (chunk as Buffer).toString("utf8");
        let newline = pending.indexOf("\n");
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line !== "") yield JSON.parse(line);
          newline = pending.indexOf("\n");
        }
      }
    },
    close: () => dispatcher.close(),
  };
}

/** Kubernetes' own words for a failed request, or the raw body when it is not a Status. */
export function statusMessage(body: unknown): string {
  const status = kubeStatusSchema.safeParse(body);
  return status.success ? status.data.message : (JSON.stringify(body)?.slice(0, 500) ?? "(empty body)");
}
