import { and, asc, eq, inArray, or } from "drizzle-orm";
import { ConflictError } from "../errors.js";
import { newId } from "../ids.js";
import type { HealthCheckDefinition, ServiceKind, WorkloadKind } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { found, ID, onDuplicate, pick, type RepositoryContext, read, type Tx, write } from "./context.js";

export type Service = StoreTables["services"]["$inferSelect"];

export interface NewService {
  serverId: string;
  containerImageId: string;
  name: string;
  /** The container's, the Swarm service's or the Kubernetes workload's name. */
  containerName: string;
  kind?: ServiceKind;
  /** A `k8s-workload`: where it is, what it is, and which of its containers runs the image. */
  namespace?: string | null;
  workloadKind?: WorkloadKind | null;
  workloadContainer?: string | null;
  composeFile?: string | null;
  composeService?: string | null;
  healthCheck?: HealthCheckDefinition | null;
  deployedDigest?: string | null;
}

/** Moving `containerImageId` re-links the service (same environment only). */
export type ServicePatch = Partial<Omit<NewService, "serverId">>;

export interface ServiceFilter {
  serverId?: string;
  containerImageId?: string;
  environmentId?: string;
}

/** "serviceId starts after dependsOnServiceId." */
export interface ServiceDependency {
  serviceId: string;
  dependsOnServiceId: string;
}

export interface ServiceRepository {
  create(input: NewService): Promise<Service>;
  get(id: string): Promise<Service | undefined>;
  list(filter?: ServiceFilter): Promise<Service[]>;
  update(id: string, patch: ServicePatch): Promise<Service>;
  delete(id: string): Promise<void>;
  /** Replaces the service's dependencies with exactly `dependsOn`. Cycles are the planner's to reject. */
  setDependencies(id: string, dependsOn: readonly string[]): Promise<void>;
  /** The edges touching any of `serviceIds` (all edges when omitted). */
  listDependencies(serviceIds?: readonly string[]): Promise<ServiceDependency[]>;
}

const ENTITY = "Service";
const DUPLICATE = "A service for this container already exists on this server";
const FIELDS = [
  "name",
  "containerName",
  "containerImageId",
  "kind",
  "composeFile",
  "composeService",
  "healthCheck",
  "deployedDigest",
  "namespace",
  "workloadKind",
  "workloadContainer",
] as const;

/**
 * Across processes (PostgreSQL): create and update read only what never changes (a server's
 * and an image's environment) and rely on the foreign keys and the unique (server, container
 * name); setDependencies locks the service's row, so two replacements of its edges do not mix.
 */
export function createServiceRepository(ctx: RepositoryContext): ServiceRepository {
  const { services, servers, containerImages, serviceDependencies } = ctx.tables;
  const byId = (id: string) => eq(services.id, id);
  const getById = ctx.db.query.services.findFirst({ where: eq(services.id, ID) }).prepare();
  const load = async (tx: Tx, id: string) =>
    found(await tx.query.services.findFirst({ where: byId(id) }), ENTITY, id);

  /** A service and its image must share an environment: deploys never cross environments. */
  async function checkSameEnvironment(tx: Tx, serverId: string, containerImageId: string) {
    const [server] = await tx
      .select({ env: servers.environmentId })
      .from(servers)
      .where(eq(servers.id, serverId));
    const [image] = await tx
      .select({ env: containerImages.environmentId })
      .from(containerImages)
      .where(eq(containerImages.id, containerImageId));
    const { env: serverEnv } = found(server, "Server", serverId);
    const { env: imageEnv } = found(image, "Container image", containerImageId);
    if (serverEnv !== imageEnv) {
      throw new ConflictError("The service must be in the same environment as the container image");
    }
  }

  return {
    create: (input) =>
      write(ctx, async (tx) => {
        await checkSameEnvironment(tx, input.serverId, input.containerImageId);
        const now = ctx.now();
        const id = newId(now.getTime());
        await tx
          .insert(services)
          .values({
            ...pick(input, FIELDS),
            id,
            serverId: input.serverId,
            containerImageId: input.containerImageId,
            name: input.name,
            containerName: input.containerName,
            createdAt: now,
            updatedAt: now,
          })
          .catch(onDuplicate(DUPLICATE));
        return load(tx, id);
      }),

    get: (id) => read(ctx, () => getById.execute({ id })),

    list: (filter = {}) =>
      read(ctx, async (db) => {
        const rows = await db
          .select({ service: services })
          .from(services)
          .innerJoin(servers, eq(servers.id, services.serverId))
          .where(
            and(
              filter.serverId === undefined ? undefined : eq(services.serverId, filter.serverId),
              filter.containerImageId === undefined
                ? undefined
                : eq(services.containerImageId, filter.containerImageId),
              filter.environmentId === undefined
                ? undefined
                : eq(servers.environmentId, filter.environmentId),
            ),
          )
          .orderBy(asc(services.name), asc(services.id));
        return rows.map((r) => r.service);
      }),

    update: (id, patch) =>
      write(ctx, async (tx) => {
        const current = await load(tx, id);
        if (patch.containerImageId !== undefined && patch.containerImageId !== current.containerImageId) {
          await checkSameEnvironment(tx, current.serverId, patch.containerImageId);
        }
        const [updated] = await tx
          .update(services)
          .set({ ...pick(patch, FIELDS), updatedAt: ctx.now() })
          .where(byId(id))
          .returning()
          .catch(onDuplicate(DUPLICATE));
        return found(updated, ENTITY, id);
      }),

    delete: (id) =>
      write(ctx, async (tx) => {
        await load(tx, id);
        await tx.delete(services).where(byId(id));
      }),

    setDependencies: (id, dependsOn) =>
      write(ctx, async (tx) => {
        await ctx.dialect.lockForUpdate(tx, services.id, id);
        await load(tx, id);
        if (dependsOn.includes(id)) throw new ConflictError("A service cannot depend on itself");
        await tx.delete(serviceDependencies).where(eq(serviceDependencies.serviceId, id));
        const unique = [...new Set(dependsOn)];
        if (unique.length === 0) return;
        const existing = await tx
          .select({ id: services.id })
          .from(services)
          .where(inArray(services.id, unique));
        const missing = unique.find((other) => !existing.some((row) => row.id === other));
        if (missing !== undefined) found(undefined, ENTITY, missing);
        await tx
          .insert(serviceDependencies)
          .values(unique.map((dependsOnServiceId) => ({ serviceId: id, dependsOnServiceId })));
      }),

    listDependencies: (serviceIds) =>
      read(ctx, (db) =>
        db
          .select()
          .from(serviceDependencies)
          .where(
            serviceIds === undefined
              ? undefined
              : or(
                  inArray(serviceDependencies.serviceId, [...serviceIds]),
                  inArray(serviceDependencies.dependsOnServiceId, [...serviceIds]),
                ),
          )
          .orderBy(asc(serviceDependencies.serviceId), asc(serviceDependencies.dependsOnServiceId)),
      ),
  };
}
