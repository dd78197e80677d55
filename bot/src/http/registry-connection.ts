import {
  type ConnectedRegistry,
  compareTagsNewestFirst,
  connectRegistry,
  type RegistryConnection,
  type RegistryConnectionInfo,
  type RegistryDeps,
  type Store,
  snapshotRepository,
  storedConnection,
} from "@bridgeport/core";

/** What a registry client needs for a stored connection, its active credentials decrypted. */
export async function connectionInfo(
  store: Store,
  registry: RegistryConnection,
): Promise<RegistryConnectionInfo> {
  return (await storedConnection(store, registry)).info;
}

export async function connectStored(
  deps: { store: Store; registries: RegistryDeps },
  registry: RegistryConnection,
): Promise<ConnectedRegistry> {
  return connectRegistry(await connectionInfo(deps.store, registry), deps.registries);
}

/** One row of the registry tag browser (seed 000: tag, digest, size, updatedAt). */
export interface TagDetail {
  tag: string;
  digest: string;
  /** Compressed bytes (config + layers). */
  size: number | null;
  /** The image config's `created`: the distribution API has no push time. */
  updatedAt: string | null;
}

/**
 * Every tag of a repository (newest first, at most `maxTags`), each resolved to its digest with
 * size and creation time. Cosign signature tags are left out as in a sync.
 */
export async function browseTags(
  connected: ConnectedRegistry,
  registries: RegistryDeps,
  repository: string,
  maxTags: number,
): Promise<TagDetail[]> {
  const snapshot = await snapshotRepository(connected.client, repository, {
    filter: () => true,
    maxTags,
    newestFirst: compareTagsNewestFirst,
    known: { tags: new Map(), digests: new Set() },
    headBeforeGet: connected.provider.headBeforeGet,
    configs: registries.configs,
  });
  const details = new Map(snapshot.newDigests.map((d) => [d.digest, d]));
  return snapshot.tags.map(({ tag, digest }) => {
    const detail = details.get(digest);
    return {
      tag,
      digest,
      size: detail?.size ?? null,
      updatedAt: detail?.created?.toISOString() ?? null,
    };
  });
}
