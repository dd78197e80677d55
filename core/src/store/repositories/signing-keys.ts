import { and, asc, desc, eq } from "drizzle-orm";
import { newId } from "../ids.js";
import type { SigningKeyAlgorithm } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { found, onDuplicate, type RepositoryContext, read, write } from "./context.js";

export type SigningKey = StoreTables["signingKeys"]["$inferSelect"];
export type SigningKeyEvent = StoreTables["signingKeyEvents"]["$inferSelect"];

export interface NewSigningKey {
  environmentId: string;
  name: string;
  algorithm: SigningKeyAlgorithm;
  publicKeyPem: string;
  fingerprint: string;
  /** Who added it (an API token's name); recorded in the audit trail too. */
  createdBy: string;
}

export interface SigningKeyRepository {
  /** Adds the key and its `added` audit event in one transaction; a key or name already there is a conflict. */
  add(input: NewSigningKey): Promise<SigningKey>;
  get(id: string): Promise<SigningKey | undefined>;
  /** The environment's trusted keys, oldest first. */
  list(environmentId: string): Promise<SigningKey[]>;
  /** Removes the key and records `removed` by `actor`, in one transaction. */
  remove(id: string, actor: string): Promise<SigningKey>;
  /** The environment's audit trail, newest first. */
  events(environmentId: string, options?: { limit?: number }): Promise<SigningKeyEvent[]>;
}

const ENTITY = "Signing key";
const DUPLICATE = "This environment already trusts a key with this name or this public key";

/**
 * Across processes (PostgreSQL): add relies on the unique name and fingerprint per environment;
 * remove deletes first and records the event only for the row it deleted.
 */
export function createSigningKeyRepository(ctx: RepositoryContext): SigningKeyRepository {
  const { signingKeys, signingKeyEvents } = ctx.tables;
  const event = (key: SigningKey, action: SigningKeyEvent["action"], actor: string, at: Date) => ({
    id: newId(at.getTime()),
    environmentId: key.environmentId,
    keyId: key.id,
    keyName: key.name,
    fingerprint: key.fingerprint,
    action,
    actor,
    at,
  });
  return {
    add: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const row = { id: newId(now.getTime()), ...input, createdAt: now };
        const [created] = await tx.insert(signingKeys).values(row).returning().catch(onDuplicate(DUPLICATE));
        const key = found(created, ENTITY, row.id);
        await tx.insert(signingKeyEvents).values(event(key, "added", input.createdBy, now));
        return key;
      }),
    get: (id) => read(ctx, (db) => db.query.signingKeys.findFirst({ where: eq(signingKeys.id, id) })),
    list: (environmentId) =>
      read(ctx, (db) =>
        db
          .select()
          .from(signingKeys)
          .where(eq(signingKeys.environmentId, environmentId))
          .orderBy(asc(signingKeys.createdAt), asc(signingKeys.id)),
      ),
    remove: (id, actor) =>
      write(ctx, async (tx) => {
        const [deleted] = await tx.delete(signingKeys).where(eq(signingKeys.id, id)).returning();
        const key = found(deleted, ENTITY, id);
        await tx.insert(signingKeyEvents).values(event(key, "removed", actor, ctx.now()));
        return key;
      }),
    events: (environmentId, options = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(signingKeyEvents)
          .where(and(eq(signingKeyEvents.environmentId, environmentId)))
          .orderBy(desc(signingKeyEvents.at), desc(signingKeyEvents.id))
          .limit(options.limit ?? 50),
      ),
  };
}
