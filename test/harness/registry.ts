import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { request } from "undici";
import { writeHtpasswd } from "./htpasswd.js";
import { freePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./process.js";
import {
  type NotificationEndpoint,
  type RegistryAuth,
  type RegistryConfigAuth,
  registryConfig,
} from "./registry-config.js";
import { makeTempDir, removeTempDir, sweepAbandonedTempDirs } from "./temp-dir.js";
import { startTokenIssuer, type TokenIssuer, type TokenIssuerOptions } from "./token-issuer.js";
import { defaultUsers, type RegistryUser } from "./users.js";

export interface StartRegistryOptions {
  auth: RegistryAuth;
  /** Default: one user with a random password. The first user is the one returned. */
  users?: readonly RegistryUser[];
  notifications?: readonly NotificationEndpoint[];
  /** Token mode: lifetime of issued tokens (the registry itself allows 60 s of clock leeway). */
  tokenExpiresInSeconds?: number;
  /** Token mode: which actions a user gets for a scope. */
  tokenGrant?: TokenIssuerOptions["grant"];
  readyTimeoutMs?: number;
}

/** What a test needs to reach a registry; plain data, so it can cross vitest's `provide`. */
export interface RegistryInfo {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  auth: RegistryAuth;
  /** The first user's credentials (with auth "none" the registry accepts anything). */
  username: string;
  password: string;
  /** Token mode: the token endpoint. */
  tokenRealm?: string;
}

export interface RunningRegistry extends RegistryInfo {
  users: readonly RegistryUser[];
  storageDir: string;
  tokenIssuer?: TokenIssuer;
  process: ManagedProcess;
  info(): RegistryInfo;
  stop(): Promise<void>;
}

const startAttempts = 3;

/**
 * Runs the CNCF distribution registry (`docker-registry serve`) on 127.0.0.1 with a free port
 * and filesystem storage in a temp dir, and waits until `/v2/` answers.
 *
 * @example
 * const registry = await startRegistry({ auth: "htpasswd" });
 * // push to `${registry.host}/app:1` as registry.username / registry.password
 * await registry.stop();
 */
export async function startRegistry(options: StartRegistryOptions): Promise<RunningRegistry> {
  const users = options.users ?? defaultUsers();
  const [first] = users;
  if (first === undefined) throw new Error("startRegistry needs at least one user");
  await sweepAbandonedTempDirs("registry").catch(() => 0);
  const dir = await makeTempDir("registry", { markOwner: true });
  let tokenIssuer: TokenIssuer | undefined;
  try {
    const storageDir = join(dir, "data");
    await mkdir(storageDir);
    const auth = await prepareAuth(options, users, dir);
    tokenIssuer = auth.tokenIssuer;
    const child = await startOnFreePort(dir, storageDir, auth.config, options);
    const info: RegistryInfo = {
      url: child.url,
      host: child.url.slice("http://".length),
      auth: options.auth,
      username: first.username,
      password: first.password,
      ...(tokenIssuer ? { tokenRealm: tokenIssuer.realm } : {}),
    };
    const issuer = tokenIssuer;
    return {
      ...info,
      users,
      storageDir,
      ...(issuer ? { tokenIssuer: issuer } : {}),
      process: child.process,
      info: () => ({ ...info }),
      async stop() {
        await child.process.stop({ graceMs: 3_000 });
        await issuer?.stop();
        await removeTempDir(dir);
      },
    };
  } catch (error) {
    await tokenIssuer?.stop();
    await removeTempDir(dir);
    throw error;
  }
}

async function prepareAuth(
  options: StartRegistryOptions,
  users: readonly RegistryUser[],
  dir: string,
): Promise<{ config: RegistryConfigAuth; tokenIssuer?: TokenIssuer }> {
  if (options.auth === "none") return { config: { mode: "none" } };
  if (options.auth === "htpasswd") {
    const path = join(dir, "htpasswd");
    await writeHtpasswd(path, users);
    return { config: { mode: "htpasswd", path } };
  }
  const tokenIssuer = await startTokenIssuer({
    users,
    dir,
    ...(options.tokenExpiresInSeconds === undefined
      ? {}
      : { expiresInSeconds: options.tokenExpiresInSeconds }),
    ...(options.tokenGrant === undefined ? {} : { grant: options.tokenGrant }),
  });
  const { realm, service, issuer, certPath } = tokenIssuer;
  return { config: { mode: "token", realm, service, issuer, rootCertBundle: certPath }, tokenIssuer };
}

// Another process may grab the port between freePort() and the registry's bind, so a bind
// failure is retried on a new port.
async function startOnFreePort(
  dir: string,
  storageDir: string,
  auth: RegistryConfigAuth,
  options: StartRegistryOptions,
): Promise<{ url: string; process: ManagedProcess }> {
  const configPath = join(dir, "config.yml");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = registryConfig({
      port,
      storageDir,
      httpSecret: randomBytes(16).toString("hex"),
      auth,
      notifications: options.notifications ?? [],
    });
    await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
    const child = startProcess({
      name: `registry :${port}`,
      argv: ["docker-registry", "serve", configPath],
      cwd: dir,
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(() => answersV2(url), {
        what: `registry ${url}/v2/`,
        timeoutMs: options.readyTimeoutMs ?? 15_000,
        process: child,
      });
      return { url, process: child };
    } catch (error) {
      await child.stop({ graceMs: 1_000 });
      if (attempt >= startAttempts || !child.output().includes("address already in use")) throw error;
    }
  }
}

async function answersV2(url: string): Promise<boolean> {
  const response = await request(`${url}/v2/`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
  await response.body.dump();
  // 401 means up and asking for credentials.
  return response.statusCode === 200 || response.statusCode === 401;
}
