import { and, eq, gt } from "drizzle-orm";
import type { StoreTables } from "../schema/tables.js";
import { type RepositoryContext, read, write } from "./context.js";

/** "docker on this server is logged in to this registry with credential version N." */
export type RegistryLogin = StoreTables["serverRegistryLogins"]["$inferSelect"];

export interface RegistryLoginRepository {
  /**
   * The cached login when it is still good: made with the registry's active credential
   * version, strictly after its last auth-relevant change. Otherwise undefined: log in again.
   */
  current(serverId: string, registryConnectionId: string): Promise<RegistryLogin | undefined>;
  /**
   * Records a successful login. Pass as `loggedInAt` the time the credentials were read, so
   * a change that lands during the login still makes the record stale.
   */
  record(login: RegistryLogin): Promise<void>;
  forget(serverId: string, registryConnectionId: string): Promise<void>;
  list(filter?: { serverId?: string; registryConnectionId?: string }): Promise<RegistryLogin[]>;
}

/** Across processes (PostgreSQL): `record` is one upsert on the (server, registry) key; the rest single statements. */
export function createRegistryLoginRepository(ctx: RepositoryContext): RegistryLoginRepository {
  const { registryConnections, serverRegistryLogins } = ctx.tables;
  const key = (serverId: string, registryConnectionId: string) =>
    and(
      eq(serverRegistryLogins.serverId, serverId),
      eq(serverRegistryLogins.registryConnectionId, registryConnectionId),
    );

  return {
    current: (serverId, registryConnectionId) =>
      read(ctx, async (db) => {
        const [row] = await db
          .select({ login: serverRegistryLogins })
          .from(serverRegistryLogins)
          .innerJoin(
            registryConnections,
            eq(registryConnections.id, serverRegistryLogins.registryConnectionId),
          )
          .where(
            and(
              key(serverId, registryConnectionId),
              eq(serverRegistryLogins.credentialVersion, registryConnections.activeCredentialVersion),
              // Strictly after: a login in the same millisecond as a change may predate it.
              gt(serverRegistryLogins.loggedInAt, registryConnections.authChangedAt),
            ),
          );
        return row?.login;
      }),

    record: (login) =>
      write(ctx, async (tx) => {
        await tx
          .insert(serverRegistryLogins)
          .values(login)
          .onConflictDoUpdate({
            target: [serverRegistryLogins.serverId, serverRegistryLogins.registryConnectionId],
            set: { credentialVersion: login.credentialVersion, loggedInAt: login.loggedInAt },
          });
      }),

    forget: (serverId, registryConnectionId) =>
      write(ctx, async (tx) => {
        await tx.delete(serverRegistryLogins).where(key(serverId, registryConnectionId));
      }),

    list: (filter = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(serverRegistryLogins)
          .where(
            and(
              filter.serverId === undefined ? undefined : eq(serverRegistryLogins.serverId, filter.serverId),
              filter.registryConnectionId === undefined
                ? undefined
                : eq(serverRegistryLogins.registryConnectionId, filter.registryConnectionId),
            ),
          ),
      ),
  };
}
