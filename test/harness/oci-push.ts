import { type Dispatcher, request } from "undici";
import { parseAuthChallenge } from "./auth-challenge.js";
import { sha256Digest } from "./digest.js";
import { manifestAccept } from "./media-types.js";

/** A registry (or a proxy in front of one) to push to. */
export interface PushTarget {
  url: string;
  username?: string;
  password?: string;
}

export interface BlobDescriptor {
  digest: string;
  size: number;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface RawRequest {
  method?: Dispatcher.HttpMethod;
  repo: string;
  /** Path under the target, e.g. `/v2/app/tags/list`. */
  path: string;
  headers?: Record<string, string>;
  /** Scope actions; default "pull". */
  actions?: string;
}

export interface PushClient {
  /** Any request, authenticated like the pushes. The caller must consume the body. */
  request(raw: RawRequest): Promise<Dispatcher.ResponseData>;
  uploadBlob(repo: string, bytes: Uint8Array): Promise<BlobDescriptor>;
  /** PUTs a manifest under a tag or its digest; returns the digest, checked against the registry's. */
  putManifest(repo: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<string>;
  getManifest(repo: string, reference: string): Promise<FetchedManifest>;
  deleteManifest(repo: string, digest: string): Promise<void>;
}

type AuthState =
  | { kind: "unknown" | "anonymous" | "basic" }
  | { kind: "bearer"; realm: string; service: string };

interface Exchange {
  method: Dispatcher.HttpMethod;
  repo: string;
  actions: string;
  /** Absolute URL, or a path under the target. */
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/**
 * A minimal OCI Distribution client for pushing fixtures over plain HTTP. It learns the auth
 * scheme from the first 401 (Basic, or a Bearer challenge answered by the token realm with
 * scope `repository:REPO:<actions>`) and then authenticates up front; tokens are cached per scope.
 *
 * @example
 * const client = createPushClient({ url: registry.url, username, password });
 * const layer = await client.uploadBlob("app", bytes);
 */
export function createPushClient(target: PushTarget, dispatcher?: Dispatcher): PushClient {
  const base = target.url.replace(/\/+$/, "");
  let auth: AuthState = { kind: "unknown" };
  const tokens = new Map<string, Promise<string>>();
  const basic =
    target.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${target.username}:${target.password ?? ""}`).toString("base64")}`;

  const fetchToken = async (realm: string, service: string, scope: string): Promise<string> => {
    const url = new URL(realm);
    url.searchParams.set("service", service);
    url.searchParams.set("scope", scope);
    const response = await request(url, {
      headers: basic ? { authorization: basic } : {},
      ...dispatchOn(dispatcher),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`token request for ${scope} failed: ${response.statusCode}`);
    }
    const body = (await response.body.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token response for ${scope} has no token`);
    return token;
  };

  const authorization = async (repo: string, actions: string): Promise<string | undefined> => {
    if (auth.kind === "basic") return basic;
    if (auth.kind !== "bearer") return undefined;
    const scope = `repository:${repo}:${actions}`;
    let token = tokens.get(scope);
    if (token === undefined) {
      token = fetchToken(auth.realm, auth.service, scope);
      tokens.set(scope, token);
      token.catch(() => tokens.delete(scope));
    }
    return `Bearer ${await token}`;
  };

  const learnChallenge = (header: string | string[] | undefined, repo: string, actions: string): boolean => {
    const challenge = parseAuthChallenge(Array.isArray(header) ? (header[0] ?? "") : (header ?? ""));
    if (challenge?.scheme === "basic" && basic !== undefined && auth.kind !== "basic") {
      auth = { kind: "basic" };
      return true;
    }
    if (challenge?.scheme === "bearer" && challenge.params.realm) {
      const retryWithNewToken = auth.kind !== "bearer" || tokens.delete(`repository:${repo}:${actions}`);
      auth = { kind: "bearer", realm: challenge.params.realm, service: challenge.params.service ?? "" };
      return retryWithNewToken;
    }
    return false;
  };

  const send = async (exchange: Exchange): Promise<Dispatcher.ResponseData> => {
    const url = exchange.url.startsWith("http") ? exchange.url : `${base}${exchange.url}`;
    for (let attempt = 1; ; attempt++) {
      const authHeader = await authorization(exchange.repo, exchange.actions);
      const response = await request(url, {
        method: exchange.method,
        headers: { ...exchange.headers, ...(authHeader ? { authorization: authHeader } : {}) },
        ...(exchange.body ? { body: exchange.body } : {}),
        ...dispatchOn(dispatcher),
      });
      if (response.statusCode !== 401 || attempt > 1) return response;
      await response.body.dump();
      if (!learnChallenge(response.headers["www-authenticate"], exchange.repo, exchange.actions))
        return response;
    }
  };

  const expect = async (response: Dispatcher.ResponseData, ok: readonly number[], what: string) => {
    if (ok.includes(response.statusCode)) return;
    const text = (await response.body.text()).slice(0, 500);
    throw new Error(`${what}: registry answered ${response.statusCode}: ${text}`);
  };

  return {
    request: (raw) =>
      send({
        method: raw.method ?? "GET",
        repo: raw.repo,
        actions: raw.actions ?? "pull",
        url: raw.path,
        ...(raw.headers ? { headers: raw.headers } : {}),
      }),

    async uploadBlob(repo, bytes) {
      const digest = sha256Digest(bytes);
      const descriptor = { digest, size: bytes.length };
      const head = await send({
        method: "HEAD",
        repo,
        actions: "pull,push",
        url: `/v2/${repo}/blobs/${digest}`,
      });
      await head.body.dump();
      if (head.statusCode === 200) return descriptor;
      const started = await send({
        method: "POST",
        repo,
        actions: "pull,push",
        url: `/v2/${repo}/blobs/uploads/`,
      });
      await expect(started, [202], `start upload to ${repo}`);
      await started.body.dump();
      const location = started.headers.location;
      if (typeof location !== "string") throw new Error(`upload to ${repo}: no Location header`);
      const upload = new URL(location, `${base}/`);
      upload.searchParams.set("digest", digest);
      const put = await send({
        method: "PUT",
        repo,
        actions: "pull,push",
        url: upload.toString(),
        headers: { "content-type": "application/octet-stream" },
        body: bytes,
      });
      await expect(put, [201], `upload ${digest} to ${repo}`);
      await put.body.dump();
      return descriptor;
    },

    async putManifest(repo, reference, bytes, mediaType) {
      const digest = sha256Digest(bytes);
      const put = await send({
        method: "PUT",
        repo,
        actions: "pull,push",
        url: `/v2/${repo}/manifests/${reference}`,
        headers: { "content-type": mediaType },
        body: bytes,
      });
      await expect(put, [201], `put manifest ${repo}:${reference}`);
      await put.body.dump();
      const answered = put.headers["docker-content-digest"];
      if (answered !== undefined && answered !== digest) {
        throw new Error(
          `put manifest ${repo}:${reference}: registry says ${String(answered)}, expected ${digest}`,
        );
      }
      return digest;
    },

    async getManifest(repo, reference) {
      const get = await send({
        method: "GET",
        repo,
        actions: "pull",
        url: `/v2/${repo}/manifests/${reference}`,
        headers: { accept: manifestAccept },
      });
      await expect(get, [200], `get manifest ${repo}:${reference}`);
      const bytes = Buffer.from(await get.body.arrayBuffer());
      const mediaType = String(get.headers["content-type"] ?? "");
      return {
        bytes,
        mediaType,
        digest: String(get.headers["docker-content-digest"] ?? sha256Digest(bytes)),
      };
    },

    async deleteManifest(repo, digest) {
      const del = await send({
        method: "DELETE",
        repo,
        actions: "delete",
        url: `/v2/${repo}/manifests/${digest}`,
      });
      await expect(del, [202], `delete manifest ${repo}@${digest}`);
      await del.body.dump();
    },
  };
}

function dispatchOn(dispatcher: Dispatcher | undefined): { dispatcher?: Dispatcher } {
  return dispatcher ? { dispatcher } : {};
}
