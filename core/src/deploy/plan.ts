import type { ServiceKind } from "../store/index.js";

/** A service as a plan sees it: where it runs, what it runs now, what it waits for. */
export interface PlanService {
  id: string;
  name: string;
  /** Which target deploys it; default "container". */
  kind?: ServiceKind;
  serverId: string;
  serverName: string;
  containerName: string;
  /** The digest it runs now, to roll back to; null when never deployed by Bridgeport. */
  deployedDigest: string | null;
  /** Ids of services that must be deployed (and healthy) before this one. */
  dependsOn: readonly string[];
}

export interface PlanStep {
  serviceId: string;
  serviceName: string;
  /** Which target deploys it; absent in plans stored before kinds existed: "container". */
  kind?: ServiceKind;
  serverId: string;
  serverName: string;
  containerName: string;
  fromDigest: string | null;
  toDigest: string;
  level: number;
  position: number;
}

/** The data of a deployment plan: what changes, in which order. No I/O went into it. */
export interface DeployPlan {
  containerImageId: string;
  /** `registry/repository`, pulled as `<imageRef>@<toDigest>`. */
  imageRef: string;
  toDigest: string;
  tag: string | null;
  autoRollback: boolean;
  /** Steps of one level may run at once when true; otherwise one after another. */
  parallel: boolean;
  /**
   * Replace containers that already run the digest too; otherwise their steps are no-ops
   * (`unchanged`). Absent in plans stored before it existed: false.
   */
  force?: boolean;
  levels: PlanStep[][];
}

export type BuildPlanResult =
  | { ok: true; plan: DeployPlan }
  | { ok: false; reason: "no_services"; message: "No services linked to this image" }
  | { ok: false; reason: "cycle"; message: string; cycle: string[] };

export interface BuildPlanInput {
  containerImageId: string;
  imageRef: string;
  toDigest: string;
  tag: string | null;
  autoRollback: boolean;
  parallel: boolean;
  force: boolean;
  services: readonly PlanService[];
}

/**
 * Orders the services of a deploy (pure, no I/O): dependencies first, level by level, a
 * dependency cycle refused with the cycle named. Dependencies on services outside the plan
 * are already running and impose no order.
 *
 * @example
 * buildPlan({ ..., services: [api (dependsOn: [db]), db] })
 * // => { ok: true, plan: { levels: [[db], [api]], ... } }
 */
export function buildPlan(input: BuildPlanInput): BuildPlanResult {
  if (input.services.length === 0)
    return { ok: false, reason: "no_services", message: "No services linked to this image" };
  const byId = new Map(input.services.map((s) => [s.id, s]));
  const deps = new Map(
    input.services.map((s) => [s.id, s.dependsOn.filter((d) => byId.has(d) && d !== s.id)]),
  );

  const cycle = findCycle(
    input.services.map((s) => s.id),
    deps,
  );
  if (cycle) {
    const names = cycle.map((id) => byId.get(id)?.name ?? id);
    return {
      ok: false,
      reason: "cycle",
      cycle: names,
      message: `Service dependencies form a cycle: ${names.join(" -> ")}`,
    };
  }

  const levels: PlanStep[][] = [];
  const placed = new Set<string>();
  // Bounded: with no cycle every pass places at least one service.
  while (placed.size < input.services.length) {
    const ready = input.services
      .filter((s) => !placed.has(s.id) && (deps.get(s.id) ?? []).every((d) => placed.has(d)))
      .sort(
        (a, b) =>
          a.serverName.localeCompare(b.serverName) ||
          a.name.localeCompare(b.name) ||
          a.id.localeCompare(b.id),
      );
    const level = levels.length;
    levels.push(
      ready.map((s, position) => ({
        serviceId: s.id,
        serviceName: s.name,
        ...(s.kind === undefined ? {} : { kind: s.kind }),
        serverId: s.serverId,
        serverName: s.serverName,
        containerName: s.containerName,
        fromDigest: s.deployedDigest,
        toDigest: input.toDigest,
        level,
        position,
      })),
    );
    for (const s of ready) placed.add(s.id);
  }
  const { services: _services, ...rest } = input;
  return { ok: true, plan: { ...rest, levels } };
}

/** A dependency cycle as a closed path of ids (first id repeated at the end), or null. */
function findCycle(ids: readonly string[], deps: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "done") return null;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const dep of deps.get(id) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of ids) {
    const found = visit(id);
    if (found) return found;
  }
  return null;
}
