import {
  connectRegistry,
  createRegistryDeps,
  type KnownState,
  type RegistryConnectionInfo,
  type RegistryDeps,
  type RequestEvent,
  snapshotRepository,
} from "@bridgeport/core";
import type { RegistryInfo } from "@bridgeport/test/harness";

/** A generic connection to a harness registry (or a fault proxy in front of one). */
export function genericConnection(
  info: RegistryInfo,
  url = info.url,
  password = info.password,
): RegistryConnectionInfo {
  return {
    type: "generic",
    registryUrl: url,
    secrets: { username: info.username, password },
    identity: `${info.host}@${password.length}`,
  };
}

/** Registry deps with fast retries, counting every request that goes on the wire. */
export function countingDeps(overrides: Parameters<typeof createRegistryDeps>[0] = {}) {
  const events: RequestEvent[] = [];
  const deps: RegistryDeps = createRegistryDeps({
    baseDelayMs: 20,
    maxDelayMs: 200,
    timeoutMs: 5_000,
    onRequest: (e) => events.push(e),
    ...overrides,
  });
  return { deps, events };
}

export const nothingKnown: KnownState = { tags: new Map(), digests: new Set() };

/** Known state after a snapshot, as the store would hold it. */
export function knownFrom(
  snapshot: Awaited<ReturnType<typeof snapshotRepository>>,
  prior: KnownState = nothingKnown,
): KnownState {
  return {
    tags: new Map(snapshot.tags.map((t) => [t.tag, t.digest])),
    digests: new Set([...prior.digests, ...snapshot.newDigests.map((d) => d.digest)]),
  };
}

export function snapshot(
  conn: RegistryConnectionInfo,
  deps: RegistryDeps,
  repository: string,
  options: Partial<Parameters<typeof snapshotRepository>[2]> = {},
) {
  const { client, provider } = connectRegistry(conn, deps);
  return snapshotRepository(client, repository, {
    filter: () => true,
    maxTags: 10_000,
    newestFirst: (a, b) => (a < b ? 1 : a > b ? -1 : 0),
    known: nothingKnown,
    headBeforeGet: provider.headBeforeGet,
    configs: deps.configs,
    ...options,
  });
}
