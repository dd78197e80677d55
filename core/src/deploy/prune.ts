import pLimit from "p-limit";
import { type PruneResult, pruneImages } from "../remote/index.js";
import type { PruneImagesMode, Store } from "../store/index.js";
import type { HostProvider } from "./host-provider.js";

export type ServerPruneOutcome =
  | { serverId: string; ok: true; result: PruneResult }
  | { serverId: string; ok: false; error: string };

/**
 * Prunes images on servers, at most three at once (seed 001), each failure reported, none
 * thrown: pruning is best effort and never fails a deploy.
 */
export async function pruneServers(
  hosts: HostProvider,
  serverIds: readonly string[],
  mode: PruneImagesMode,
): Promise<ServerPruneOutcome[]> {
  const limit = pLimit(3);
  return Promise.all(
    serverIds.map((serverId) =>
      limit(async (): Promise<ServerPruneOutcome> => {
        try {
          const host = await hosts.host(serverId);
          return { serverId, ok: true, result: await pruneImages(host.engine, mode) };
        } catch (error) {
          return { serverId, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    ),
  );
}

/**
 * The weekly prune: every server of every environment with `autoPruneImages` on, in that
 * environment's `pruneImagesMode`.
 */
export async function weeklyPrune(store: Store, hosts: HostProvider): Promise<ServerPruneOutcome[]> {
  const outcomes: ServerPruneOutcome[] = [];
  for (const env of await store.environments.list()) {
    if (!env.autoPruneImages) continue;
    const servers = await store.servers.list({ environmentId: env.id });
    outcomes.push(
      ...(await pruneServers(
        hosts,
        servers.map((s) => s.id),
        env.pruneImagesMode,
      )),
    );
  }
  return outcomes;
}
