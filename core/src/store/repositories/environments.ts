import { asc, count, eq, sql } from "drizzle-orm";
import { ConflictError } from "../errors.js";
import { newId } from "../ids.js";
import type { PruneImagesMode, SignaturePolicy } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { found, onDuplicate, pick, type RepositoryContext, read, write } from "./context.js";

export type Environment = StoreTables["environments"]["$inferSelect"];

export interface NewEnvironment {
  name: string;
  autoPruneImages?: boolean;
  pruneImagesMode?: PruneImagesMode;
  signaturePolicy?: SignaturePolicy;
}
export type EnvironmentPatch = Partial<NewEnvironment>;

export interface EnvironmentRepository {
  create(input: NewEnvironment): Promise<Environment>;
  get(id: string): Promise<Environment | undefined>;
  /** By name in any case: `Staging` finds `staging` (names are unique without regard to case). */
  findByName(name: string): Promise<Environment | undefined>;
  list(): Promise<Environment[]>;
  update(id: string, patch: EnvironmentPatch): Promise<Environment>;
  /** Refuses while registries, images or servers still belong to the environment. */
  delete(id: string): Promise<void>;
}

const ENTITY = "Environment";
const DUPLICATE = "An environment with this name already exists";

/**
 * Across processes (PostgreSQL): create and update rely on the unique names; delete locks the
 * environment row before counting what it holds (a registry, image or server inserted meanwhile
 * waits for the delete, whose foreign key then refuses it).
 */
export function createEnvironmentRepository(ctx: RepositoryContext): EnvironmentRepository {
  const { environments, registryConnections, containerImages, servers } = ctx.tables;
  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const row = { id: newId(now.getTime()), ...pick(input, FIELDS), createdAt: now, updatedAt: now };
        const [created] = await tx.insert(environments).values(row).returning().catch(onDuplicate(DUPLICATE));
        return found(created, ENTITY, row.id);
      }),
    get: (id) => read(ctx, (db) => db.query.environments.findFirst({ where: eq(environments.id, id) })),
    findByName: (name) =>
      read(ctx, (db) =>
        db.query.environments.findFirst({ where: sql`lower(${environments.name}) = lower(${name})` }),
      ),
    list: () => read(ctx, (db) => db.select().from(environments).orderBy(asc(environments.name))),
    update: (id, patch) =>
      write(ctx, async (tx) => {
        const [updated] = await tx
          .update(environments)
          .set({ ...pick(patch, FIELDS), updatedAt: ctx.now() })
          .where(eq(environments.id, id))
          .returning()
          .catch(onDuplicate(DUPLICATE));
        return found(updated, ENTITY, id);
      }),
    delete: (id) =>
      write(ctx, async (tx) => {
        await ctx.dialect.lockForUpdate(tx, environments.id, id);
        // One after another: a transaction is one connection, which runs one query at a time.
        const counts: number[] = [];
        for (const table of [registryConnections, containerImages, servers]) {
          const [row] = await tx.select({ n: count() }).from(table).where(eq(table.environmentId, id));
          counts.push(row?.n ?? 0);
        }
        const [registries = 0, images = 0, hosts = 0] = counts;
        if (registries + images + hosts > 0) {
          throw new ConflictError(
            `Cannot delete environment: it still has ${registries} registry connection(s), ` +
              `${images} container image(s) and ${hosts} server(s)`,
          );
        }
        const deleted = await tx.delete(environments).where(eq(environments.id, id)).returning();
        found(deleted[0], ENTITY, id);
      }),
  };
}

const FIELDS = ["name", "autoPruneImages", "pruneImagesMode", "signaturePolicy"] as const;
