import { z } from "zod";
import type { Authorizer } from "./authorizer.js";
import { parseOciErrors, RegistryError } from "./errors.js";
import { nextLink } from "./link-header.js";
import {
  digestOf,
  type IndexManifest,
  isIndex,
  type Manifest,
  parseManifest,
  verifyDigest,
} from "./manifest.js";
import { MANIFEST_ACCEPT, MEDIA_TYPES } from "./media-types.js";
import { isValidDigest, isValidRepository } from "./reference.js";
import { header, type RegistryResponse, type RequestKind, type Transport } from "./transport.js";

const tagListSchema = z.object({ tags: z.array(z.string().max(256)).nullable().optional() });
const catalogSchema = z.object({ repositories: z.array(z.string().max(256)).nullable().optional() });

export interface ManifestHead {
  digest: string;
  mediaType: string | null;
}

export interface FetchedManifest {
  digest: string;
  manifest: Manifest;
  bytes: Buffer;
}

export interface ListOptions {
  /** Page size sent as `n`. */
  pageSize?: number;
  /** Stop after this many pages (a guard against a registry that never ends). */
  maxPages?: number;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 3;

/**
 * OCI Distribution operations against one registry: ping, catalog, tags, manifests, blobs.
 * Authentication and politeness come from the `Authorizer` and `Transport` passed in.
 */
export class RegistryClient {
  readonly baseUrl: URL;
  readonly #transport: Transport;
  readonly #authorizer: Authorizer;

  constructor(options: { baseUrl: string; transport: Transport; authorizer: Authorizer }) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.#transport = options.transport;
    this.#authorizer = options.authorizer;
  }

  /** `GET /v2/` with the credentials; throws `RegistryError` (401, 403, network) when refused. */
  async ping(): Promise<void> {
    await this.#send("ping", "GET", this.#url("/v2/"), null);
  }

  /** Every repository name in the catalog, following pagination. */
  async catalog(options: ListOptions = {}): Promise<string[]> {
    const pages = this.#pages(
      "catalog",
      this.#url(`/v2/_catalog?n=${options.pageSize ?? 1000}`),
      "registry:catalog:*",
      options,
    );
    const names: string[] = [];
    for await (const body of pages) names.push(...(catalogSchema.parse(body).repositories ?? []));
    return names;
  }

  /** Every tag of `repository`, following `Link: <...>; rel="next"` pagination. */
  async listTags(repository: string, options: ListOptions = {}): Promise<string[]> {
    const url = this.#url(`/v2/${checkRepository(repository)}/tags/list?n=${options.pageSize ?? 1000}`);
    const tags: string[] = [];
    for await (const body of this.#pages("tags", url, scopeFor(repository), options)) {
      const parsed = tagListSchema.safeParse(body);
      if (!parsed.success)
        throw new RegistryError(`Invalid tag list from ${url.host}`, { status: 200, temporary: false });
      tags.push(...(parsed.data.tags ?? []));
    }
    return tags;
  }

  /** The digest a tag or digest resolves to, by HEAD; null when the registry has no such manifest. */
  async headManifest(repository: string, reference: string): Promise<ManifestHead | null> {
    const url = this.#manifestUrl(repository, reference);
    const res = await this.#send(
      "head",
      "HEAD",
      url,
      scopeFor(repository),
      { accept: MANIFEST_ACCEPT },
      [404],
    );
    if (res.status === 404) return null;
    const digest = header(res.headers, "docker-content-digest");
    if (!digest || !isValidDigest(digest)) {
      // Some registries omit the header on HEAD; the body tells the truth.
      const fetched = await this.getManifest(repository, reference);
      return { digest: fetched.digest, mediaType: fetched.manifest.mediaType };
    }
    return { digest, mediaType: header(res.headers, "content-type") ?? null };
  }

  /**
   * Fetches and validates a manifest; its bytes are checked against the requested digest, or
   * against `Docker-Content-Digest` when fetched by tag.
   */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const url = this.#manifestUrl(repository, reference);
    const res = await this.#send(
      "manifest",
      "GET",
      url,
      scopeFor(repository),
      { accept: MANIFEST_ACCEPT },
      [],
      MAX_MANIFEST_BYTES,
    );
    const what = `${repository}:${reference}`;
    const announced = header(res.headers, "docker-content-digest");
    const expected = isValidDigest(reference)
      ? reference
      : announced && isValidDigest(announced)
        ? announced
        : null;
    const digest = expected ?? digestOf(res.body);
    verifyDigest(res.body, digest, what);
    return {
      digest,
      manifest: parseManifest(res.body, header(res.headers, "content-type"), what),
      bytes: res.body,
    };
  }

  /** A JSON blob (an image config), digest-verified, following storage redirects. */
  async getJsonBlob(repository: string, digest: string, maxBytes = MAX_MANIFEST_BYTES): Promise<unknown> {
    return JSON.parse((await this.getBlob(repository, digest, maxBytes)).toString("utf8"));
  }

  /**
   * The manifests whose `subject` is `digest` (`GET /v2/<name>/referrers/<digest>`, OCI
   * distribution 1.1); null when the registry has no referrers API (it answers 404), in which
   * case the spec's fallback is the `sha256-<hex>` tag.
   */
  async referrers(repository: string, digest: string): Promise<IndexManifest | null> {
    if (!isValidDigest(digest))
      throw new RegistryError("invalid referrers digest", { status: 0, temporary: false });
    const url = this.#url(`/v2/${checkRepository(repository)}/referrers/${digest}`);
    const res = await this.#send(
      "referrers",
      "GET",
      url,
      scopeFor(repository),
      { accept: MEDIA_TYPES.ociIndex },
      [404],
      MAX_MANIFEST_BYTES,
    );
    if (res.status === 404) return null;
    const index = parseManifest(res.body, MEDIA_TYPES.ociIndex, `referrers of ${digest}`);
    if (!isIndex(index))
      throw new RegistryError(`Invalid referrers list for ${digest}`, { status: 200, temporary: false });
    return index;
  }

  /** A blob's bytes, digest-verified, following storage redirects. */
  async getBlob(repository: string, digest: string, maxBytes = MAX_MANIFEST_BYTES): Promise<Buffer> {
    if (!isValidDigest(digest))
      throw new RegistryError("invalid blob digest", { status: 0, temporary: false });
    let url = this.#url(`/v2/${checkRepository(repository)}/blobs/${digest}`);
    let res = await this.#send(
      "blob",
      "GET",
      url,
      scopeFor(repository),
      {},
      [301, 302, 303, 307, 308],
      maxBytes,
    );
    for (let hop = 0; hop < MAX_REDIRECTS && res.status >= 300 && res.status < 400; hop++) {
      const location = header(res.headers, "location");
      if (!location) break;
      url = new URL(location, url);
      // Storage backends get no registry credentials: a signed URL carries its own.
      res =
        url.origin === this.baseUrl.origin
          ? await this.#send(
              "blob",
              "GET",
              url,
              scopeFor(repository),
              {},
              [301, 302, 303, 307, 308],
              maxBytes,
            )
          : await this.#transport.send({ kind: "blob", method: "GET", url, maxBodyBytes: maxBytes });
    }
    if (res.status !== 200)
      throw RegistryError.fromStatus(res.status, parseOciErrors(res.body.toString()), `blob ${digest}`);
    verifyDigest(res.body, digest, `blob ${digest}`);
    return res.body;
  }

  async *#pages(kind: RequestKind, first: URL, scope: string, options: ListOptions): AsyncGenerator<unknown> {
    const maxPages = options.maxPages ?? 10_000;
    const seen = new Set<string>();
    let url: URL | null = first;
    for (let page = 0; url && page < maxPages; page++) {
      if (seen.has(url.href))
        throw new RegistryError(`Registry pagination loops at ${url.pathname}`, {
          status: 200,
          temporary: false,
        });
      seen.add(url.href);
      const res = await this.#send(kind, "GET", url, scope, { accept: "application/json" });
      yield parseJson(res, url);
      const next = nextLink(header(res.headers, "link"), url);
      if (next && next.origin !== this.baseUrl.origin) {
        throw new RegistryError(`Registry pagination points at another host (${next.host})`, {
          status: 200,
          temporary: false,
        });
      }
      url = next;
      if (page + 1 === maxPages && url) {
        throw new RegistryError(`Registry listing exceeds ${maxPages} pages`, {
          status: 200,
          temporary: false,
        });
      }
    }
  }

  async #send(
    kind: RequestKind,
    method: "GET" | "HEAD",
    url: URL,
    scope: string | null,
    headers: Record<string, string> = {},
    allow: readonly number[] = [],
    maxBodyBytes?: number,
  ): Promise<RegistryResponse> {
    const origin = this.baseUrl.origin;
    let auth = await this.#authorizer.header(origin, scope);
    const send = () =>
      this.#transport.send({
        kind,
        method,
        url,
        headers: auth ? { ...headers, authorization: auth } : headers,
        ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
      });
    let res = await send();
    if (res.status === 401) {
      const retry = await this.#authorizer.onUnauthorized(
        origin,
        scope,
        header(res.headers, "www-authenticate"),
        auth,
      );
      if (retry) {
        auth = retry;
        res = await send();
      }
    }
    if ((res.status >= 200 && res.status < 300) || allow.includes(res.status)) return res;
    throw RegistryError.fromStatus(
      res.status,
      parseOciErrors(res.body.toString("utf8")),
      `${method} ${url.host}${url.pathname}`,
    );
  }

  #url(pathAndQuery: string): URL {
    return new URL(`${this.baseUrl.pathname.replace(/\/$/, "")}${pathAndQuery}`, this.baseUrl);
  }

  #manifestUrl(repository: string, reference: string): URL {
    if (!isValidDigest(reference) && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(reference)) {
      throw new RegistryError(`invalid manifest reference "${reference.slice(0, 140)}"`, {
        status: 0,
        temporary: false,
      });
    }
    return this.#url(`/v2/${checkRepository(repository)}/manifests/${reference}`);
  }
}

export const scopeFor = (repository: string): string => `repository:${repository}:pull`;

function checkRepository(repository: string): string {
  if (!isValidRepository(repository)) {
    throw new RegistryError(`invalid repository name "${repository.slice(0, 300)}"`, {
      status: 0,
      temporary: false,
    });
  }
  return repository;
}

/** Accepts `https://host`, `https://host/`, `https://host/v2`; keeps a path prefix if any. */
export function normaliseBaseUrl(raw: string): URL {
  const url = new URL(raw.includes("://") ? raw : `https://${raw}`);
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/v2$/, "") || "/";
  url.search = "";
  url.hash = "";
  return url;
}

function parseJson(res: RegistryResponse, url: URL): unknown {
  try {
    return JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new RegistryError(`Registry answered ${url.pathname} with something other than JSON`, {
      status: res.status,
      temporary: false,
    });
  }
}
