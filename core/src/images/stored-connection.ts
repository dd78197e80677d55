import type { RegistryConnectionInfo } from "../registry/index.js";
import type { RegistryConnection, Store } from "../store/index.js";

/**
 * What a registry client needs for a stored connection: its active credentials decrypted, and
 * an identity (id and credential version) that keys token caches and server logins.
 *
 * @example
 * const { info, credentialVersion } = await storedConnection(store, registry);
 * connectRegistry(info, registryDeps);
 */
export async function storedConnection(
  store: Store,
  registry: RegistryConnection,
): Promise<{ info: RegistryConnectionInfo; credentialVersion: number }> {
  const { version, secrets } = await store.registries.getSecrets(registry.id);
  const credentialVersion = version ?? 0;
  return {
    info: {
      type: registry.type,
      registryUrl: registry.registryUrl,
      secrets,
      identity: `${registry.id}@v${credentialVersion}`,
    },
    credentialVersion,
  };
}
