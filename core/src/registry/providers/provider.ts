import { anonymous, type CredentialProvider } from "../authorizer.js";
import type { Clock } from "../clock.js";
import type { RegistrySecrets, RegistryType } from "../credentials.js";
import { DOCKER_HUB_API_HOST, isDockerHub } from "../reference.js";
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

const DIGITALOCEAN_REGISTRY = "https://registry.digitalocean.com";

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
  const url = new URL(conn.registryUrl.includes("://") ? conn.registryUrl : `https://${conn.registryUrl}`);
  const basic = (username: string | undefined, password: string | undefined): CredentialProvider =>
    username && password
      ? { identity: conn.identity, basic: async () => ({ username, password }) }
      : anonymous;
  const secret = conn.secrets.password ?? conn.secrets.token;
  const generic = {
    distributionUrl: url.href,
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
    case "dockerhub": {
      const hub = isDockerHub(url.host) || url.host === "hub.docker.com";
      return {
        distributionUrl: hub ? `https://${DOCKER_HUB_API_HOST}` : url.href,
        credentials: basic(conn.secrets.username, secret),
        headBeforeGet: true,
        loginServer: hub ? null : url.host,
      };
    }
    case "digitalocean": {
      // The seed's registryUrl is the management API; images live on registry.digitalocean.com,
      // where the API token is both user name and password.
      const managementApi = url.host === "api.digitalocean.com";
      const distributionUrl = managementApi ? DIGITALOCEAN_REGISTRY : url.href;
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
