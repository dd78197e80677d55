import type { ServiceKind } from "../../store/index.js";
import type { PlanStep } from "../plan.js";
import { dockerContainerTarget } from "./docker-container.js";
import { kubernetesWorkloadTarget } from "./kubernetes-workload.js";
import { swarmServiceTarget } from "./swarm-service.js";
import type { Target, TargetContext } from "./target.js";

/** The target a step's service kind deploys through (plans stored before kinds existed: a container). */
export type TargetOf = (step: Pick<PlanStep, "kind">) => Target;

/**
 * One target per service kind for one plan run, made when a step first needs it.
 *
 * @example
 * const targetOf = planTargets(ctx);
 * await targetOf(step).deploy(step, io);
 */
export function planTargets(ctx: TargetContext): TargetOf {
  const made = new Map<ServiceKind, Target>();
  return (step) => {
    const kind = step.kind ?? "container";
    let target = made.get(kind);
    if (!target) {
      target = targetFor(kind, ctx);
      made.set(kind, target);
    }
    return target;
  };
}

function targetFor(kind: ServiceKind, ctx: TargetContext): Target {
  switch (kind) {
    case "container":
    case "compose":
      return dockerContainerTarget(ctx);
    case "swarm-service":
      return swarmServiceTarget(ctx);
    case "k8s-workload":
      return kubernetesWorkloadTarget(ctx);
  }
}
