import { asc, count, eq } from "drizzle-orm";
import { secretLocation } from "../../crypto/stored-secrets.js";
import { ConflictError } from "../errors.js";
import { newId } from "../ids.js";
import type { ServerAuthKind, ServerMode } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { found, ID, onDuplicate, pick, type RepositoryContext, read, type Tx, write } from "./context.js";

type ServerRow = StoreTables["servers"]["$inferSelect"];

/** A server's metadata. The key or password is never part of it: `hasSecret` says whether one is set. */
export type Server = Omit<ServerRow, "secretCiphertext"> & { hasSecret: boolean };

/**
 * How to authenticate: over SSH a private key (PEM/OpenSSH text) or a password; to a cluster a
 * bearer token, or a client certificate (`clientCertificateSecret` packs the PEM pair in one secret).
 */
export interface ServerAuth {
  kind: ServerAuthKind;
  secret: string;
}

export interface NewServer {
  environmentId: string;
  name: string;
  mode: ServerMode;
  host?: string | null;
  port?: number;
  username?: string | null;
  auth?: ServerAuth;
  hostKeyFingerprint?: string | null;
  socketPath?: string | null;
  dockerSocketPath?: string;
  platform?: string | null;
  apiServerUrl?: string | null;
  caCertificate?: string | null;
  namespace?: string | null;
}

export type ServerPatch = Partial<Omit<NewServer, "environmentId" | "auth">> & { auth?: ServerAuth | null };

export interface ServerRepository {
  create(input: NewServer): Promise<Server>;
  get(id: string): Promise<Server | undefined>;
  list(filter?: { environmentId?: string }): Promise<Server[]>;
  /**
   * A change to where or as whom docker runs (mode, host, port, user, socket paths, auth)
   * forgets the server's cached registry logins: they belonged to the old target.
   */
  update(id: string, patch: ServerPatch): Promise<Server>;
  /** Refuses while services still run on the server. */
  delete(id: string): Promise<void>;
  /** Decrypts the SSH key or password, or the cluster's credential: only for the transport that connects. */
  getSecret(id: string): Promise<ServerAuth | undefined>;
}

const ENTITY = "Server";
const DUPLICATE = "A server with this name already exists in this environment";
const FIELDS = [
  "name",
  "mode",
  "host",
  "port",
  "username",
  "hostKeyFingerprint",
  "socketPath",
  "dockerSocketPath",
  "platform",
  "apiServerUrl",
  "caCertificate",
  "namespace",
] as const;
const TARGET_FIELDS = [
  "mode",
  "host",
  "port",
  "username",
  "socketPath",
  "dockerSocketPath",
  "apiServerUrl",
] as const;

/**
 * Across processes (PostgreSQL): update and delete lock the server's row before reading it
 * (update decides from it whether cached logins go; delete counts the services on it, and a
 * service inserted meanwhile waits, then meets the foreign key); names rely on the unique
 * (environment, name).
 */
export function createServerRepository(ctx: RepositoryContext): ServerRepository {
  const { servers, services, serverRegistryLogins } = ctx.tables;
  const byId = (id: string) => eq(servers.id, id);
  const getById = ctx.db.query.servers.findFirst({ where: eq(servers.id, ID) }).prepare();
  const load = async (tx: Tx, id: string) =>
    found(await tx.query.servers.findFirst({ where: byId(id) }), ENTITY, id);
  const lockAndLoad = async (tx: Tx, id: string) => {
    await ctx.dialect.lockForUpdate(tx, servers.id, id);
    return load(tx, id);
  };
  // Bound to the server's row: copied into another server, the value does not decrypt.
  const secretAt = (id: string) => secretLocation(servers.secretCiphertext, id);
  const encrypt = (id: string, auth: ServerAuth | null) =>
    auth === null
      ? { authKind: null, secretCiphertext: null }
      : { authKind: auth.kind, secretCiphertext: ctx.cipher.encrypt(auth.secret, secretAt(id)) };

  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const id = newId(now.getTime());
        await tx
          .insert(servers)
          .values({
            ...pick(input, FIELDS),
            ...encrypt(id, input.auth ?? null),
            id,
            environmentId: input.environmentId,
            name: input.name,
            mode: input.mode,
            createdAt: now,
            updatedAt: now,
          })
          .catch(onDuplicate(DUPLICATE));
        return toServer(await load(tx, id));
      }),

    get: (id) =>
      read(ctx, async () => {
        const row = await getById.execute({ id });
        return row && toServer(row);
      }),

    list: (filter = {}) =>
      read(ctx, async (db) => {
        const rows = await db
          .select()
          .from(servers)
          .where(
            filter.environmentId === undefined ? undefined : eq(servers.environmentId, filter.environmentId),
          )
          .orderBy(asc(servers.name), asc(servers.id));
        return rows.map(toServer);
      }),

    update: (id, patch) =>
      write(ctx, async (tx) => {
        const current = await lockAndLoad(tx, id);
        const fields = pick(patch, FIELDS);
        const targetChanged =
          patch.auth !== undefined ||
          TARGET_FIELDS.some((key) => fields[key] !== undefined && fields[key] !== current[key]);
        const [updated] = await tx
          .update(servers)
          .set({
            ...fields,
            ...(patch.auth === undefined ? {} : encrypt(id, patch.auth)),
            updatedAt: ctx.now(),
          })
          .where(byId(id))
          .returning()
          .catch(onDuplicate(DUPLICATE));
        if (targetChanged) await tx.delete(serverRegistryLogins).where(eq(serverRegistryLogins.serverId, id));
        return toServer(found(updated, ENTITY, id));
      }),

    delete: (id) =>
      write(ctx, async (tx) => {
        await lockAndLoad(tx, id);
        const [onServer] = await tx.select({ n: count() }).from(services).where(eq(services.serverId, id));
        const n = onServer?.n ?? 0;
        if (n > 0) throw new ConflictError(`Cannot delete server: ${n} service(s) are still on it`);
        await tx.delete(servers).where(byId(id));
      }),

    getSecret: (id) =>
      read(ctx, async (db) => {
        const [row] = await db
          .select({ kind: servers.authKind, ciphertext: servers.secretCiphertext })
          .from(servers)
          .where(byId(id));
        const { kind, ciphertext } = found(row, ENTITY, id);
        if (kind === null || ciphertext === null) return undefined;
        return { kind, secret: ctx.cipher.decrypt(ciphertext, secretAt(id)) };
      }),
  };
}

function toServer({ secretCiphertext, ...metadata }: ServerRow): Server {
  return { ...metadata, hasSecret: secretCiphertext !== null };
}
