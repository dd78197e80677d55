import { anonymous, type CredentialProvider } from "../authorizer.js";
import type { Clock } from "../clock.js";
import type { RegistrySecrets, RegistryType } from "../credentials.js";
import { isDockerHub } from "../reference.js";
import { distributionUrlOf, parseRegistryUrl } from "../registry-host.js";
import type { Transport } from "../transport.js";
import { ecrCredentials } from "./ecr.js";

/** A registry connection as the client needs it: type, URL, and decrypted secrets. */
export interface RegistryConnectionInfo {
  type: RegistryType;
  registryUrl: string;
  secrets: RegistrySecrets;
  /** Non-secret identity for caches, e.g. `<connection id>@v<credential version>`. */
  identity: string;
}

/** Test and private-cloud overrides of provider endpoints that are otherwise fixed. */
export interface ProviderEndpoints {
  ecr?: string;
}

export interface ResolvedProvider {
  /** Base URL of the Distribution API (`/v2/` is appended). */
  distributionUrl: string;
  credentials: CredentialProvider;
  /**
   * Registries that count a manifest GET as a pull (Docker Hub) are asked by HEAD first even for
   * unseen tags; elsewhere an unseen tag is fetched with one GET instead of HEAD + GET.
   */
  headBeforeGet: boolean;
  /** Host for `docker login` on servers; null means docker's default (Docker Hub). */
  loginServer: string | null;
}

/**
 * Resolves a connection into where its Distribution API lives and how to authenticate.
 *
 * @example
 * resolveProvider({ type: "dockerhub", registryUrl: "https://hub.docker.com", secrets: {}, identity: "r1@v1" }, deps)
 * // => { distributionUrl: "https://registry-1.docker.io", loginServer: null, headBeforeGet: true, ... }
 */
export function resolveProvider(
  conn: RegistryConnectionInfo,
  deps: { transport: Transport; clock: Clock; endpoints?: ProviderEndpoints },
): ResolvedProvider {
  const url = parseRegistryUrl(conn.registryUrl);
  const distributionUrl = distributionUrlOf(conn);
  const basic = (username: string | undefined, password: string | undefined): CredentialProvider =>
    username && password
      ? { identity: conn.identity, basic: async () => ({ username, password }) }
      : anonymous;
  const secret = conn.secrets.password ?? conn.secrets.token;
  const generic = {
    distributionUrl,
    credentials: basic(conn.secrets.username, secret),
    headBeforeGet: false,
    loginServer: url.host,
  };

  switch (conn.type) {
    case "generic":
    case "acr":
    case "quay":
      return generic;
    case "public":
      return { ...generic, credentials: anonymous };
    case "ghcr":
      // GHCR hands out anonymous tokens for public images; credentials are a user and a PAT.
      return generic;
    case "dockerhub":
      return {
        distributionUrl,
        credentials: basic(conn.secrets.username, secret),
        headBeforeGet: true,
        loginServer: isDockerHub(new URL(distributionUrl).host) ? null : url.host,
      };
    case "digitalocean": {
      // The API token is both user name and password on registry.digitalocean.com.
      const token = conn.secrets.token ?? conn.secrets.password;
      return {
        distributionUrl,
        credentials: basic(token, token),
        headBeforeGet: false,
        loginServer: new URL(distributionUrl).host,
      };
    }
    case "gcr":
    case "gar":
      return { ...generic, credentials: basic("_json_key", conn.secrets.serviceAccountKey ?? secret) };
    case "ecr":
      return {
        ...generic,
        credentials: ecrCredentials(conn.secrets, url.host, {
          transport: deps.transport,
          clock: deps.clock,
          identity: conn.identity,
          endpoint: deps.endpoints?.ecr,
        }),
      };
  }
}
