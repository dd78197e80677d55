import type { ResolvedProvider } from "../registry/providers/provider.js";
import { sameRegistryHost } from "../registry/reference.js";
import { imageRegistryHost } from "../registry/registry-host.js";
import type { DockerHost } from "./docker-host.js";
import { type DockerLoginCredentials, dockerLogin } from "./docker-login.js";
import type { LoginCache } from "./login-cache.js";

/**
 * The `docker login` arguments for a resolved registry connection, to pull `imageName`, or null
 * when it has no credentials (public images need no login) or the image is on another host
 * than the one the connection serves: the engine hands a pull's credentials to whatever host
 * the image names, so a connection's secret would reach a foreign registry. The provider
 * decides the details: DigitalOcean uses its token as user name and password, Docker Hub
 * omits the host, other registries use the host of their URL (scheme and `/v2` dropped).
 *
 * @example
 * const login = await registryLoginFor(resolveProvider(connection, deps), "registry.example.com:5000/team/web");
 * // => { server: "registry.example.com:5000", username: "ci", password: "..." }
 */
export async function registryLoginFor(
  provider: ResolvedProvider,
  imageName: string,
): Promise<DockerLoginCredentials | null> {
  const imageHost = imageRegistryHost(imageName);
  if (imageHost === null || !sameRegistryHost(new URL(provider.distributionUrl).host, imageHost)) return null;
  const credentials = await provider.credentials.basic();
  if (credentials === null) return null;
  return { server: provider.loginServer, ...credentials };
}

/** A registry as a deploy step sees it: its id and credential version, for the login cache. */
export interface RegistryAccess {
  registryId: string;
  credentialVersion: number;
  /** null for registries without credentials. */
  login: DockerLoginCredentials | null;
}

export const LOGIN_OUTCOMES = ["logged-in", "cached", "not-needed"] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

/**
 * Makes sure the server can pull from the registry before the first pull: on SSH servers a
 * `docker login` unless the cache says this credential version is already logged in; on socket
 * servers nothing, since their pulls carry the credentials themselves.
 *
 * @example
 * await ensureRegistryLogin(host, { registryId, credentialVersion: 3, login }, loginCache) // => "logged-in"
 */
export async function ensureRegistryLogin(
  host: DockerHost,
  access: RegistryAccess,
  cache: LoginCache,
): Promise<LoginOutcome> {
  if (host.mode === "socket" || access.login === null) return "not-needed";
  if (await cache.isFresh(host.serverId, access.registryId, access.credentialVersion)) return "cached";
  await dockerLogin(host.commands, access.login);
  await cache.record(host.serverId, access.registryId, access.credentialVersion);
  return "logged-in";
}
