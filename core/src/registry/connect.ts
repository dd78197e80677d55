import { Authorizer } from "./authorizer.js";
import type { AuthChallenge } from "./challenge.js";
import { RegistryClient } from "./client.js";
import { type Clock, systemClock } from "./clock.js";
import { ContentCache } from "./config-cache.js";
import { RegistryError } from "./errors.js";
import type { ImageConfig } from "./manifest.js";
import {
  type ProviderEndpoints,
  type RegistryConnectionInfo,
  type ResolvedProvider,
  resolveProvider,
} from "./providers/provider.js";
import { SignatureTagIndex } from "./signature-tags.js";
import { TokenCache } from "./token-cache.js";
import { Transport, type TransportOptions } from "./transport.js";

/** Long-lived pieces shared by every registry client of a process. */
export interface RegistryDeps {
  transport: Transport;
  tokens: TokenCache;
  /** Each registry origin's auth challenge, learnt once. */
  challenges: Map<string, AuthChallenge>;
  configs: ContentCache<ImageConfig>;
  /** Signature tags each repository listed at its last sync: where signature checks look first. */
  signatureTags: SignatureTagIndex;
  clock: Clock;
  endpoints?: ProviderEndpoints;
}

export function createRegistryDeps(
  options: TransportOptions & { endpoints?: ProviderEndpoints } = {},
): RegistryDeps {
  const clock = options.clock ?? systemClock;
  return {
    transport: new Transport({ ...options, clock }),
    tokens: new TokenCache(clock),
    challenges: new Map(),
    configs: new ContentCache<ImageConfig>(),
    signatureTags: new SignatureTagIndex(),
    clock,
    ...(options.endpoints ? { endpoints: options.endpoints } : {}),
  };
}

export interface ConnectedRegistry {
  client: RegistryClient;
  provider: ResolvedProvider;
}

/** A client for one registry connection. */
export function connectRegistry(conn: RegistryConnectionInfo, deps: RegistryDeps): ConnectedRegistry {
  const provider = resolveProvider(conn, deps);
  const authorizer = new Authorizer(deps.transport, deps.tokens, provider.credentials, deps.challenges);
  return {
    client: new RegistryClient({ baseUrl: provider.distributionUrl, transport: deps.transport, authorizer }),
    provider,
  };
}

export type ConnectionTestResult = { ok: true } | { ok: false; error: string; status: number };

/**
 * Calls `/v2/` with the connection's credentials and says why it failed, in the seed's words:
 * "Connection test failed: <reason>".
 */
export async function testConnection(
  conn: RegistryConnectionInfo,
  deps: RegistryDeps,
): Promise<ConnectionTestResult> {
  try {
    await connectRegistry(conn, deps).client.ping();
    return { ok: true };
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return { ok: false, error: `Connection test failed: ${error.message}`, status: error.status };
  }
}
