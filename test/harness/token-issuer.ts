import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { libtrustKeyId, signRs256Jwt } from "./jwt.js";
import { makeSelfSignedCert } from "./self-signed-cert.js";
import { makeTempDir, removeTempDir, sweepAbandonedTempDirs } from "./temp-dir.js";
import { parseScope, requestedScopes, type TokenScope } from "./token-scope.js";
import { parseBasicAuth, type RegistryUser } from "./users.js";

export interface TokenRequestRecord {
  /** The scopes asked for, as sent. */
  scope: string[];
  /** The authenticated user; null for anonymous requests and rejected credentials. */
  user: string | null;
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
}

export interface TokenIssuerOptions {
  users: readonly RegistryUser[];
  service?: string;
  issuer?: string;
  expiresInSeconds?: number;
  /**
   * The actions granted for one requested scope. Default: an authenticated user gets what
   * they ask for; anonymous requests get nothing (an empty access list, as Docker Hub answers
   * for private repositories).
   */
  grant?: (request: { user: string | null; scope: TokenScope }) => readonly string[];
  /** Where to put the key and certificate; default a temp dir of its own, removed on stop. */
  dir?: string;
}

export interface TokenIssuer {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** The token endpoint the registry names in its Bearer challenge. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate the registry trusts (`auth.token.rootcertbundle`). */
  certPath: string;
  /** Every token request so far, oldest first, so tests can assert token caching. */
  readonly requests: readonly TokenRequestRecord[];
  clearRequests(): void;
  stop(): Promise<void>;
}

const defaultGrant: NonNullable<TokenIssuerOptions["grant"]> = ({ user, scope }) =>
  user === null ? [] : scope.actions;

/**
 * Starts an RS256 JWT token server for the registry's `auth.token` mode on 127.0.0.1.
 *
 * @example
 * const issuer = await startTokenIssuer({ users: [{ username: "alice", password }] });
 * // registry config: auth.token { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer,
 * //                               rootcertbundle: issuer.certPath }
 */
export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const {
    service = "bridgeport-test-registry",
    issuer = "bridgeport-test-issuer",
    expiresInSeconds = 300,
  } = options;
  const grant = options.grant ?? defaultGrant;
  const ownDir = options.dir === undefined;
  if (ownDir) await sweepAbandonedTempDirs("token-issuer").catch(() => 0);
  const dir = options.dir ?? (await makeTempDir("token-issuer", { markOwner: true }));
  const cert = await makeSelfSignedCert(dir, issuer);
  const kid = libtrustKeyId(cert.publicKey);
  const requests: TokenRequestRecord[] = [];

  const authenticate = (header: string | undefined): { ok: boolean; user: string | null } => {
    if (header === undefined) return { ok: true, user: null };
    const presented = parseBasicAuth(header);
    const known = options.users.find((user) => user.username === presented?.username);
    return known !== undefined && known.password === presented?.password
      ? { ok: true, user: known.username }
      : { ok: false, user: null };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/token" || req.method !== "GET") {
      reply(res, 404, { errors: [{ code: "NOT_FOUND", message: "only GET /token is served" }] });
      return;
    }
    const scopes = requestedScopes(url.searchParams);
    const { ok, user } = authenticate(req.headers.authorization);
    const record: TokenRequestRecord = { scope: scopes, user, at: Date.now(), status: ok ? 200 : 401 };
    requests.push(record);
    if (!ok) {
      res.setHeader("WWW-Authenticate", `Basic realm="${issuer}"`);
      reply(res, 401, { details: "incorrect username or password" });
      return;
    }
    // A scope with nothing granted is left out, so an anonymous token has `access: []`.
    const access = scopes.flatMap((text) => {
      const scope = parseScope(text);
      const actions = scope ? grant({ user, scope }) : [];
      return scope && actions.length > 0
        ? [{ type: scope.type, name: scope.name, actions: [...actions] }]
        : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = signRs256Jwt(
      { kid },
      {
        iss: issuer,
        sub: user ?? "",
        aud: service,
        exp: now + expiresInSeconds,
        nbf: now,
        iat: now,
        jti: randomUUID(),
        access,
      },
      cert.privateKey,
    );
    reply(res, 200, {
      token,
      access_token: token,
      expires_in: expiresInSeconds,
      issued_at: new Date(now * 1000).toISOString(),
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    certPath: cert.certPath,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) await removeTempDir(dir);
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
