import { and, asc, count, eq, max, ne, sql } from "drizzle-orm";
import { secretLocation } from "../../crypto/stored-secrets.js";
import {
  type RegistrySecrets,
  type RegistryType,
  registrySecretsSchema,
  secretFieldsPresent,
} from "../../registry/credentials.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { newId } from "../ids.js";
import type { StoreTables } from "../schema/tables.js";
import { found, ID, onDuplicate, pick, type RepositoryContext, read, type Tx, write } from "./context.js";

/** A registry connection's metadata: no secret, only which secret fields are set. */
export type RegistryConnection = StoreTables["registryConnections"]["$inferSelect"];

export interface NewRegistryConnection {
  environmentId: string;
  name: string;
  type: RegistryType;
  registryUrl: string;
  repositoryPrefix?: string | null;
  isDefault?: boolean;
  refreshIntervalMinutes?: number;
  autoLinkPattern?: string | null;
  /** Becomes credential version 1 when it holds any field. */
  secrets?: RegistrySecrets;
}

export interface RegistryConnectionPatch {
  name?: string;
  type?: RegistryType;
  registryUrl?: string;
  repositoryPrefix?: string | null;
  isDefault?: boolean;
  refreshIntervalMinutes?: number;
  autoLinkPattern?: string | null;
  lastSyncAt?: Date | null;
  /** Saved as a new credential version, which becomes the active one. */
  secrets?: RegistrySecrets;
  /**
   * The connection now points somewhere else: `secrets` (or none) become its only credentials,
   * and every earlier version is deleted, so none can be activated for the new destination.
   */
  replaceCredentials?: boolean;
}

export interface RegistryCredentialVersion {
  version: number;
  secretFields: string[];
  createdAt: Date;
  active: boolean;
}

/** The decrypted active credentials; `version` is null for a registry without any. */
export interface ActiveRegistryCredentials {
  version: number | null;
  secrets: RegistrySecrets;
}

export interface RegistryRepository {
  create(input: NewRegistryConnection): Promise<RegistryConnection>;
  get(id: string): Promise<RegistryConnection | undefined>;
  list(filter?: { environmentId?: string }): Promise<RegistryConnection[]>;
  /**
   * A change to type, registryUrl or credentials moves authChangedAt and forgets every
   * server's cached login to this registry; metadata-only edits keep them.
   */
  update(id: string, patch: RegistryConnectionPatch): Promise<RegistryConnection>;
  /** Refuses while container images are attached (the seed's message, with their count). */
  delete(id: string): Promise<void>;
  /** Stores `secrets` as version N+1 and activates it. */
  saveCredentials(id: string, secrets: RegistrySecrets): Promise<RegistryConnection>;
  /** Makes an earlier (or later) stored version the active one again. */
  activateVersion(id: string, version: number): Promise<RegistryConnection>;
  listCredentialVersions(id: string): Promise<RegistryCredentialVersion[]>;
  /** Decrypts the active credentials: only for the callers that must present them. */
  getSecrets(id: string): Promise<ActiveRegistryCredentials>;
}

const ENTITY = "Registry connection";
const DUPLICATE = "A registry connection with this name already exists in this environment";
const META_FIELDS = [
  "name",
  "type",
  "registryUrl",
  "repositoryPrefix",
  "isDefault",
  "refreshIntervalMinutes",
  "autoLinkPattern",
  "lastSyncAt",
] as const;
const CREATE_FIELDS = ["repositoryPrefix", "isDefault", "refreshIntervalMinutes", "autoLinkPattern"] as const;

/**
 * Across processes (PostgreSQL): every read-then-write of one connection (update, new
 * credential version, activation, delete) first locks its row, so two replicas saving
 * credentials at once make versions N+1 and N+2, and the checks see the row as it is written;
 * making a registry the default also locks its environment's row, so two defaults cannot
 * race past each other (the partial unique index would refuse the second anyway); names rely
 * on the unique (environment, name).
 */
export function createRegistryRepository(ctx: RepositoryContext): RegistryRepository {
  const { environments, registryConnections, registryCredentials, serverRegistryLogins, containerImages } =
    ctx.tables;
  const byId = (id: string) => eq(registryConnections.id, id);
  /** Where a credential version's ciphertext is bound: its own row. */
  const credentialsAt = (rowId: string) => secretLocation(registryCredentials.ciphertext, rowId);
  const getById = ctx.db.query.registryConnections
    .findFirst({ where: eq(registryConnections.id, ID) })
    .prepare();
  const credentialVersion = ctx.db.query.registryCredentials
    .findFirst({
      where: and(
        eq(registryCredentials.registryConnectionId, ID),
        eq(registryCredentials.version, sql.placeholder("version")),
      ),
    })
    .prepare();

  async function load(tx: Tx, id: string): Promise<RegistryConnection> {
    return found(await tx.query.registryConnections.findFirst({ where: byId(id) }), ENTITY, id);
  }

  /** The row, locked until the transaction ends. */
  async function lockAndLoad(tx: Tx, id: string): Promise<RegistryConnection> {
    await ctx.dialect.lockForUpdate(tx, registryConnections.id, id);
    return load(tx, id);
  }

  async function forgetLogins(tx: Tx, registryConnectionId: string): Promise<void> {
    await tx
      .delete(serverRegistryLogins)
      .where(eq(serverRegistryLogins.registryConnectionId, registryConnectionId));
  }

  /** Encrypts and stores the next version; returns the columns that activate it. */
  async function addVersion(tx: Tx, id: string, secrets: RegistrySecrets, now: Date) {
    const parsed = registrySecretsSchema.parse(secrets);
    const [last] = await tx
      .select({ version: max(registryCredentials.version) })
      .from(registryCredentials)
      .where(eq(registryCredentials.registryConnectionId, id));
    const version = (last?.version ?? 0) + 1;
    const secretFields = secretFieldsPresent(parsed);
    const rowId = newId(now.getTime());
    await tx.insert(registryCredentials).values({
      id: rowId,
      registryConnectionId: id,
      version,
      ciphertext: ctx.cipher.encrypt(JSON.stringify(parsed), credentialsAt(rowId)),
      secretFields,
      createdAt: now,
    });
    return { activeCredentialVersion: version, secretFields };
  }

  async function clearDefault(tx: Tx, environmentId: string): Promise<void> {
    await ctx.dialect.lockForUpdate(tx, environments.id, environmentId);
    await tx
      .update(registryConnections)
      .set({ isDefault: false })
      .where(
        and(eq(registryConnections.environmentId, environmentId), eq(registryConnections.isDefault, true)),
      );
  }

  async function applyUpdate(tx: Tx, id: string, patch: RegistryConnectionPatch) {
    const current = await lockAndLoad(tx, id);
    const now = ctx.now();
    if (patch.isDefault === true && !current.isDefault) await clearDefault(tx, current.environmentId);
    let credentials: { activeCredentialVersion?: number | null; secretFields?: string[] } =
      patch.secrets === undefined ? {} : await addVersion(tx, id, patch.secrets, now);
    if (patch.replaceCredentials === true) {
      const kept = credentials.activeCredentialVersion;
      await tx
        .delete(registryCredentials)
        .where(
          and(
            eq(registryCredentials.registryConnectionId, id),
            kept == null ? undefined : ne(registryCredentials.version, kept),
          ),
        );
      if (kept == null) credentials = { activeCredentialVersion: null, secretFields: [] };
    }
    const authChanged =
      patch.replaceCredentials === true ||
      patch.secrets !== undefined ||
      (patch.type !== undefined && patch.type !== current.type) ||
      (patch.registryUrl !== undefined && patch.registryUrl !== current.registryUrl);
    const [updated] = await tx
      .update(registryConnections)
      .set({
        ...pick(patch, META_FIELDS),
        ...credentials,
        ...(authChanged ? { authChangedAt: now } : {}),
        updatedAt: now,
      })
      .where(byId(id))
      .returning()
      .catch(onDuplicate(DUPLICATE));
    if (authChanged) await forgetLogins(tx, id);
    return found(updated, ENTITY, id);
  }

  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const id = newId(now.getTime());
        if (input.isDefault === true) await clearDefault(tx, input.environmentId);
        await tx
          .insert(registryConnections)
          .values({
            ...pick(input, CREATE_FIELDS),
            id,
            environmentId: input.environmentId,
            name: input.name,
            type: input.type,
            registryUrl: input.registryUrl,
            authChangedAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .catch(onDuplicate(DUPLICATE));
        const secrets = input.secrets ?? {};
        if (secretFieldsPresent(secrets).length === 0) return load(tx, id);
        const credentials = await addVersion(tx, id, secrets, now);
        await tx.update(registryConnections).set(credentials).where(byId(id));
        return load(tx, id);
      }),

    get: (id) => read(ctx, () => getById.execute({ id })),

    list: (filter = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(registryConnections)
          .where(
            filter.environmentId === undefined
              ? undefined
              : eq(registryConnections.environmentId, filter.environmentId),
          )
          .orderBy(asc(registryConnections.name), asc(registryConnections.id)),
      ),

    update: (id, patch) => write(ctx, (tx) => applyUpdate(tx, id, patch)),

    saveCredentials: (id, secrets) => write(ctx, (tx) => applyUpdate(tx, id, { secrets })),

    activateVersion: (id, version) =>
      write(ctx, async (tx) => {
        const current = await lockAndLoad(tx, id);
        if (current.activeCredentialVersion === version) return current;
        const stored = await tx.query.registryCredentials.findFirst({
          where: and(
            eq(registryCredentials.registryConnectionId, id),
            eq(registryCredentials.version, version),
          ),
        });
        if (!stored) throw new NotFoundError("Registry credential version", `${id} v${version}`);
        const now = ctx.now();
        const [updated] = await tx
          .update(registryConnections)
          .set({
            activeCredentialVersion: version,
            secretFields: stored.secretFields,
            authChangedAt: now,
            updatedAt: now,
          })
          .where(byId(id))
          .returning();
        await forgetLogins(tx, id);
        return found(updated, ENTITY, id);
      }),

    listCredentialVersions: (id) =>
      read(ctx, async (db) => {
        const current = found(await db.query.registryConnections.findFirst({ where: byId(id) }), ENTITY, id);
        const rows = await db
          .select({
            version: registryCredentials.version,
            secretFields: registryCredentials.secretFields,
            createdAt: registryCredentials.createdAt,
          })
          .from(registryCredentials)
          .where(eq(registryCredentials.registryConnectionId, id))
          .orderBy(asc(registryCredentials.version));
        return rows.map((row) => ({ ...row, active: row.version === current.activeCredentialVersion }));
      }),

    getSecrets: (id) =>
      read(ctx, async () => {
        const current = found(await getById.execute({ id }), ENTITY, id);
        const version = current.activeCredentialVersion;
        if (version === null) return { version: null, secrets: {} };
        const stored = await credentialVersion.execute({ id, version });
        if (!stored) throw new NotFoundError("Registry credential version", `${id} v${version}`);
        const plaintext = ctx.cipher.decrypt(stored.ciphertext, credentialsAt(stored.id));
        return { version, secrets: decodeSecrets(plaintext, id) };
      }),

    delete: (id) =>
      write(ctx, async (tx) => {
        await lockAndLoad(tx, id);
        const [attached] = await tx
          .select({ n: count() })
          .from(containerImages)
          .where(eq(containerImages.registryConnectionId, id));
        const n = attached?.n ?? 0;
        if (n > 0)
          throw new ConflictError(`Cannot delete registry connection with ${n} container image(s) attached`);
        await tx.delete(registryConnections).where(byId(id));
      }),
  };
}

function decodeSecrets(plaintext: string, id: string): RegistrySecrets {
  // Neither JSON.parse's nor zod's message may surface: both can quote the decrypted text.
  const invalid = () => new Error(`Stored credentials of registry connection ${id} are not valid`);
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    throw invalid();
  }
  const parsed = registrySecretsSchema.safeParse(json);
  if (!parsed.success) throw invalid();
  return parsed.data;
}
