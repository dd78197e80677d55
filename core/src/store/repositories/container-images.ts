import { and, asc, count, eq } from "drizzle-orm";
import { ConflictError } from "../errors.js";
import { newId } from "../ids.js";
import type { SignaturePolicy } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { found, ID, onDuplicate, pick, type RepositoryContext, read, type Tx, write } from "./context.js";

export type ContainerImage = StoreTables["containerImages"]["$inferSelect"];

export interface NewContainerImage {
  environmentId: string;
  name: string;
  imageName: string;
  tagFilter?: string;
  registryConnectionId?: string | null;
  autoUpdate?: boolean;
  signaturePolicy?: SignaturePolicy | null;
}

/** User edits plus what a sync or a deploy records about the image. */
export interface ContainerImagePatch {
  name?: string;
  imageName?: string;
  tagFilter?: string;
  registryConnectionId?: string | null;
  autoUpdate?: boolean;
  signaturePolicy?: SignaturePolicy | null;
  lastCheckedAt?: Date | null;
  deployedDigestId?: string | null;
  updateAvailable?: boolean;
  latestDigestId?: string | null;
  latestTag?: string | null;
  updateReason?: string | null;
}

export interface ContainerImageFilter {
  environmentId?: string;
  registryConnectionId?: string;
}

export interface ContainerImageRepository {
  /** Refuses a second image with the same imageName in the environment (the seed's message). */
  create(input: NewContainerImage): Promise<ContainerImage>;
  get(id: string): Promise<ContainerImage | undefined>;
  findByImageName(environmentId: string, imageName: string): Promise<ContainerImage | undefined>;
  list(filter?: ContainerImageFilter): Promise<ContainerImage[]>;
  /** Every image's id and image name only: what matching a pushed repository needs, cheaply. */
  listNames(): Promise<Pick<ContainerImage, "id" | "imageName">[]>;
  update(id: string, patch: ContainerImagePatch): Promise<ContainerImage>;
  /** Refuses while services are linked (the seed's message, with their count). */
  delete(id: string): Promise<void>;
}

const ENTITY = "Container image";
const DUPLICATE = "A container image for this image name already exists";
const CREATE_FIELDS = ["tagFilter", "registryConnectionId", "autoUpdate", "signaturePolicy"] as const;
const PATCH_FIELDS = [
  "name",
  "imageName",
  "tagFilter",
  "registryConnectionId",
  "autoUpdate",
  "signaturePolicy",
  "lastCheckedAt",
  "deployedDigestId",
  "updateAvailable",
  "latestDigestId",
  "latestTag",
  "updateReason",
] as const;

/**
 * Across processes (PostgreSQL): create and update rely on the unique (environment, image
 * name); delete locks the image row before counting its services (a service inserted
 * meanwhile waits for the delete, whose foreign key then refuses it).
 */
export function createContainerImageRepository(ctx: RepositoryContext): ContainerImageRepository {
  const { containerImages, services } = ctx.tables;
  const byId = (id: string) => eq(containerImages.id, id);
  const getById = ctx.db.query.containerImages.findFirst({ where: eq(containerImages.id, ID) }).prepare();
  const load = async (tx: Tx, id: string) =>
    found(await tx.query.containerImages.findFirst({ where: byId(id) }), ENTITY, id);

  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const id = newId(now.getTime());
        await tx
          .insert(containerImages)
          .values({
            ...pick(input, CREATE_FIELDS),
            id,
            environmentId: input.environmentId,
            name: input.name,
            imageName: input.imageName,
            createdAt: now,
            updatedAt: now,
          })
          .catch(onDuplicate(DUPLICATE));
        return load(tx, id);
      }),

    get: (id) => read(ctx, () => getById.execute({ id })),

    findByImageName: (environmentId, imageName) =>
      read(ctx, (db) =>
        db.query.containerImages.findFirst({
          where: and(
            eq(containerImages.environmentId, environmentId),
            eq(containerImages.imageName, imageName),
          ),
        }),
      ),

    // Every webhook delivery runs it: the dialect keeps or re-reads the rows (dialect.ts).
    listNames: () => ctx.dialect.imageNames(),

    list: (filter = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(containerImages)
          .where(
            and(
              filter.environmentId === undefined
                ? undefined
                : eq(containerImages.environmentId, filter.environmentId),
              filter.registryConnectionId === undefined
                ? undefined
                : eq(containerImages.registryConnectionId, filter.registryConnectionId),
            ),
          )
          .orderBy(asc(containerImages.name), asc(containerImages.id)),
      ),

    update: (id, patch) =>
      write(ctx, async (tx) => {
        const [updated] = await tx
          .update(containerImages)
          .set({ ...pick(patch, PATCH_FIELDS), updatedAt: ctx.now() })
          .where(byId(id))
          .returning()
          .catch(onDuplicate(DUPLICATE));
        return found(updated, ENTITY, id);
      }),

    delete: (id) =>
      write(ctx, async (tx) => {
        await ctx.dialect.lockForUpdate(tx, containerImages.id, id);
        await load(tx, id);
        const [linked] = await tx
          .select({ n: count() })
          .from(services)
          .where(eq(services.containerImageId, id));
        const n = linked?.n ?? 0;
        if (n > 0) throw new ConflictError(`Cannot delete container image: ${n} service(s) are still linked`);
        await tx.delete(containerImages).where(byId(id));
      }),
  };
}
