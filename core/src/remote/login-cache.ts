/**
 * Remembers which servers are logged in to which registry with which credential version
 * (SPEC section 2, ServerRegistryLogin). The store implements it; a new credential version or
 * an auth-relevant edit makes `isFresh` false, which forces a new login.
 */
export interface LoginCache {
  isFresh(serverId: string, registryId: string, credentialVersion: number): Promise<boolean>;
  record(serverId: string, registryId: string, credentialVersion: number): Promise<void>;
}

/**
 * A process-local LoginCache, for tests and for runs without a store.
 *
 * @example
 * const cache = new MemoryLoginCache();
 * await cache.record("srv1", "reg1", 2);
 * await cache.isFresh("srv1", "reg1", 3) // => false
 */
export class MemoryLoginCache implements LoginCache {
  readonly #versions = new Map<string, number>();

  async isFresh(serverId: string, registryId: string, credentialVersion: number): Promise<boolean> {
    return this.#versions.get(key(serverId, registryId)) === credentialVersion;
  }

  async record(serverId: string, registryId: string, credentialVersion: number): Promise<void> {
    this.#versions.set(key(serverId, registryId), credentialVersion);
  }

  /** Drops every login of a registry, as an auth-relevant edit of the connection does. */
  forgetRegistry(registryId: string): void {
    for (const cached of [...this.#versions.keys()])
      if (cached.endsWith(`\0${registryId}`)) this.#versions.delete(cached);
  }
}

const key = (serverId: string, registryId: string) => `${serverId}\0${registryId}`;
