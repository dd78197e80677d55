import type { RegistryConnection } from "../store/index.js";

/**
 * Which registries are due for a sync at `now`: never synced, or their own
 * `refreshIntervalMinutes` has passed since `lastSyncAt`. Each registry is pulled a little
 * early by a fixed jitter of its id (up to 10% of its interval, at most a minute) so that
 * registries added together do not all fall due on the same tick forever.
 *
 * @example
 * dueRegistries([{ id: "r1", refreshIntervalMinutes: 30, lastSyncAt: null }], new Date())
 * // => [{ id: "r1", ... }]
 */
export function dueRegistries<
  R extends Pick<RegistryConnection, "id" | "refreshIntervalMinutes" | "lastSyncAt">,
>(registries: readonly R[], now: Date): R[] {
  return registries.filter((r) => {
    if (!r.lastSyncAt) return true;
    const interval = r.refreshIntervalMinutes * 60_000;
    const jitter = Math.min(60_000, interval * 0.1) * jitterFraction(r.id);
    return now.getTime() >= r.lastSyncAt.getTime() + interval - jitter;
  });
}

/** A stable number in [0, 1) from an id (FNV-1a). */
export function jitterFraction(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}
