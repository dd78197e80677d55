import { parseImageName } from "../registry/index.js";
import { environmentLockScope, type PlanTrigger, type Store, serviceLockScope } from "../store/index.js";
import { getDisplayTag } from "../tags/index.js";
import { buildPlan, type DeployPlan, type PlanService } from "./plan.js";

export interface DeployRequest {
  containerImageId: string;
  imageDigestId: string;
  autoRollback: boolean;
  parallel?: boolean;
  dryRun?: boolean;
  /** Replace containers that already run the digest too (default: those steps do nothing). */
  force?: boolean;
  trigger: PlanTrigger;
  triggeredBy: string;
  triggerContext?: Record<string, unknown>;
  /** Only these services (default: every service linked to the image). */
  serviceIds?: readonly string[];
  /**
   * Nothing to do when every service already runs the digest (automatic deploys): checked
   * again once the locks are held, so a plan that finished meanwhile is not deployed twice.
   */
  onlyIfChanged?: boolean;
}

/** Expected outcomes of asking for a deploy: values, not exceptions (the API maps them). */
export type DeployRequestResult =
  | { kind: "planned"; planId: string; plan: DeployPlan; dryRun: boolean }
  | { kind: "not_found"; message: string }
  | { kind: "invalid"; message: string }
  | { kind: "unchanged"; message: string }
  | { kind: "locked"; message: string; planId: string | null; holder: string; reason: string | null };

/**
 * Turns a deploy request into a stored, locked plan ready to execute: loads the image, digest
 * and services, builds the plan (pure), takes every service's lock or none, and records the
 * plan with its steps. A dry run is recorded too, but takes no lock and changes nothing.
 */
export async function requestDeploy(store: Store, request: DeployRequest): Promise<DeployRequestResult> {
  const image = await store.images.get(request.containerImageId);
  if (!image) return { kind: "not_found", message: "Container image not found" };
  const digest = await store.digests.get(request.imageDigestId);
  if (!digest || digest.containerImageId !== image.id) {
    return { kind: "not_found", message: "Image digest not found for this container image" };
  }
  const chosen = async () => {
    const linked = await store.services.list({ containerImageId: image.id });
    return request.serviceIds ? linked.filter((s) => request.serviceIds?.includes(s.id)) : linked;
  };
  const unchanged = (list: readonly { deployedDigest: string | null }[]) =>
    request.onlyIfChanged === true &&
    list.length > 0 &&
    list.every((s) => s.deployedDigest === digest.manifestDigest);
  const unchangedAnswer = {
    kind: "unchanged",
    message: `every service already runs ${digest.manifestDigest}`,
  } as const;
  const services = await chosen();
  if (unchanged(services)) return unchangedAnswer;
  const servers = new Map(
    (await store.servers.list({ environmentId: image.environmentId })).map((s) => [s.id, s]),
  );
  const dependencies = await store.services.listDependencies(services.map((s) => s.id));
  const planServices: PlanService[] = services.map((s) => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    serverId: s.serverId,
    serverName: servers.get(s.serverId)?.name ?? s.serverId,
    containerName: s.containerName,
    deployedDigest: s.deployedDigest,
    dependsOn: dependencies.filter((d) => d.serviceId === s.id).map((d) => d.dependsOnServiceId),
  }));
  const { registry, repository } = parseImageName(image.imageName);
  const built = buildPlan({
    containerImageId: image.id,
    imageRef: `${registry}/${repository}`,
    toDigest: digest.manifestDigest,
    tag: getDisplayTag(digest.tags, image.tagFilter) || null,
    autoRollback: request.autoRollback,
    parallel: request.parallel ?? false,
    force: request.force ?? false,
    services: planServices,
  });
  if (!built.ok) return { kind: "invalid", message: built.message };

  const dryRun = request.dryRun ?? false;
  const { plan: record } = await store.plans.create({
    environmentId: image.environmentId,
    containerImageId: image.id,
    imageDigestId: digest.id,
    targetDigest: digest.manifestDigest,
    targetTag: built.plan.tag,
    autoRollback: request.autoRollback,
    parallel: built.plan.parallel,
    dryRun,
    trigger: request.trigger,
    triggeredBy: request.triggeredBy,
    triggerContext: request.triggerContext ?? null,
    plan: built.plan,
    steps: built.plan.levels.flat().map((s) => ({
      serviceId: s.serviceId,
      level: s.level,
      position: s.position,
      fromDigest: s.fromDigest,
      toDigest: s.toDigest,
    })),
  });
  if (dryRun) {
    await store.plans.update(record.id, { status: "cancelled", finishedAt: new Date() });
    return { kind: "planned", planId: record.id, plan: built.plan, dryRun };
  }

  // A manual environment lock (`/lock`) stops every deploy; plan locks guard each service.
  const envLock = (await store.locks.list()).find(
    (l) => l.scope === environmentLockScope(image.environmentId),
  );
  const held = envLock
    ? { acquired: false as const, heldBy: envLock }
    : await store.locks.acquire({
        scopes: services.map((s) => serviceLockScope(s.id)),
        holder: `plan:${record.id}`,
        planId: record.id,
      });
  if (!held.acquired) {
    await store.plans.update(record.id, { status: "cancelled", error: "locked", finishedAt: new Date() });
    const { heldBy } = held;
    const message = heldBy.planId
      ? `locked by plan ${heldBy.planId}`
      : `locked by ${heldBy.holder}${heldBy.reason ? `: ${heldBy.reason}` : ""}`;
    return { kind: "locked", message, planId: heldBy.planId, holder: heldBy.holder, reason: heldBy.reason };
  }
  if (unchanged(await chosen())) {
    await store.locks.releasePlan(record.id);
    await store.plans.update(record.id, { status: "cancelled", error: "unchanged", finishedAt: new Date() });
    return unchangedAnswer;
  }
  return { kind: "planned", planId: record.id, plan: built.plan, dryRun };
}
