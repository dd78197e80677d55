import { z } from "zod";
import { type AuthChallenge, parseChallenge } from "./challenge.js";
import { RegistryError } from "./errors.js";
import type { TokenCache } from "./token-cache.js";
import type { Transport } from "./transport.js";

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Where a client's credentials come from; `identity` is a non-secret cache key part. */
export interface CredentialProvider {
  readonly identity: string;
  basic(): Promise<BasicCredentials | null>;
}

export const anonymous: CredentialProvider = { identity: "anonymous", basic: async () => null };

const tokenResponseSchema = z.object({
  token: z.string().min(1).optional(),
  access_token: z.string().min(1).optional(),
  expires_in: z.number().int().nonnegative().optional(),
});

export function basicHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * Answers registry auth challenges: Basic, or the Bearer token flow (`realm`, `service`,
 * `scope`) with tokens cached per scope. Remembers each registry's challenge so later requests
 * carry credentials up front instead of paying a 401 round trip.
 */
export class Authorizer {
  readonly #challenges: Map<string, AuthChallenge>;
  readonly #transport: Transport;
  readonly #tokens: TokenCache;
  readonly #credentials: CredentialProvider;

  /**
   * `challenges` is shared between clients of one process: a registry's challenge is not
   * credential-specific, and knowing it saves every new client a 401 round trip.
   */
  constructor(
    transport: Transport,
    tokens: TokenCache,
    credentials: CredentialProvider,
    challenges: Map<string, AuthChallenge> = new Map(),
  ) {
    this.#transport = transport;
    this.#tokens = tokens;
    this.#credentials = credentials;
    this.#challenges = challenges;
  }

  /** The Authorization header for `origin` and `scope`, when the registry's scheme is known. */
  async header(origin: string, scope: string | null): Promise<string | null> {
    const challenge = this.#challenges.get(origin);
    if (!challenge) return null;
    return this.#answer(origin, challenge, scope);
  }

  /**
   * After a 401: learns the challenge and returns a header worth one retry, or null when
   * nothing different can be sent (the credentials were already refused).
   */
  async onUnauthorized(
    origin: string,
    scope: string | null,
    wwwAuthenticate: string | undefined,
    sent: string | null,
  ): Promise<string | null> {
    const challenge = parseChallenge(wwwAuthenticate);
    if (!challenge) return null;
    this.#challenges.set(origin, challenge);
    if (challenge.scheme === "basic" && sent?.startsWith("Basic ")) return null;
    const effectiveScope = scope ?? (challenge.scheme === "bearer" ? challenge.scope : null);
    // A refused token is forgotten; a 401 to an anonymous first request just teaches the challenge.
    if (challenge.scheme === "bearer" && sent?.startsWith("Bearer ")) {
      this.#tokens.invalidate(this.#tokenKey(challenge, effectiveScope));
    }
    const next = await this.#answer(origin, challenge, effectiveScope);
    return next === sent ? null : next;
  }

  async #answer(origin: string, challenge: AuthChallenge, scope: string | null): Promise<string | null> {
    if (challenge.scheme === "basic") {
      const credentials = await this.#credentials.basic();
      return credentials ? basicHeader(credentials) : null;
    }
    const token = await this.#tokens.get(this.#tokenKey(challenge, scope), () =>
      this.#fetchToken(origin, challenge, scope),
    );
    return `Bearer ${token}`;
  }

  #tokenKey(challenge: AuthChallenge & { scheme: "bearer" }, scope: string | null): string {
    return [challenge.realm, challenge.service ?? "", scope ?? "", this.#credentials.identity].join("\u0000");
  }

  async #fetchToken(
    origin: string,
    challenge: AuthChallenge & { scheme: "bearer" },
    scope: string | null,
  ): Promise<{ token: string; expiresInS: number }> {
    const url = realmUrl(origin, challenge.realm);
    if (challenge.service) url.searchParams.set("service", challenge.service);
    if (scope) url.searchParams.set("scope", scope);
    const credentials = await this.#credentials.basic();
    const res = await this.#transport.send({
      kind: "token",
      method: "GET",
      url,
      headers: credentials ? { authorization: basicHeader(credentials) } : {},
      maxBodyBytes: 1024 * 1024,
    });
    const where = `token ${url.host}${url.pathname}`;
    if (res.status !== 200) throw RegistryError.fromStatus(res.status, [], where);
    const parsed = tokenResponseSchema.safeParse(safeJson(res.body));
    const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
    if (!parsed.success || !token) {
      throw new RegistryError(`Registry token response from ${url.host} has no token`, {
        status: 200,
        temporary: false,
      });
    }
    return { token, expiresInS: parsed.data.expires_in ?? 60 };
  }
}

/** Credentials go only to an https realm, or an http one when the registry itself is http. */
function realmUrl(origin: string, realm: string): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegistryError(`Registry ${origin} sent an unusable token realm`, {
      status: 401,
      temporary: false,
    });
  }
  const registryIsHttp = origin.startsWith("http:");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && registryIsHttp)) {
    throw new RegistryError(`Registry ${origin} asked for credentials over plain http at ${url.host}`, {
      status: 401,
      temporary: false,
    });
  }
  return url;
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
}
