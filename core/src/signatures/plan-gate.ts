import { finishPlan } from "../deploy/plan-finish.js";
import type { PlanProgress } from "../deploy/plan-progress.js";
import type { DeploymentPlan, SignatureCheck } from "../store/index.js";
import { checkSignature, type SignatureDeps } from "./check-signature.js";
import { effectivePolicy } from "./policy.js";

/** What a plan deployed under `warn` without a trusted signature: for whoever notifies people. */
export interface SignatureWarning {
  planId: string;
  containerImageId: string;
  environmentId: string;
  digest: string;
  check: SignatureCheck;
}

export interface SignatureGateDeps extends SignatureDeps {
  /** Called once per plan that deploys under `warn` without a trusted signature. */
  onSignatureWarning?: ((warning: SignatureWarning) => void) | undefined;
}

/**
 * The signature check a plan passes before it touches any server: under `off` nothing; else the
 * plan's digest is checked (the index digest for a multi-platform image: what the plan deploys)
 * and the result stored on the plan. `refused` is the reason when `enforce` finds no trusted
 * signature; under `warn` the plan goes on and `onSignatureWarning` is told.
 */
export async function signatureGate(
  deps: SignatureGateDeps,
  record: DeploymentPlan,
): Promise<{ record: DeploymentPlan; refused: string | null }> {
  const { store } = deps;
  const image = await store.images.get(record.containerImageId);
  if (!image) return { record, refused: null };
  const policy = effectivePolicy(image, await store.environments.get(image.environmentId));
  if (policy === "off") return { record, refused: null };
  const check = await checkSignature(deps, image, record.targetDigest, policy);
  await store.plans.update(record.id, { signature: check });
  const signed = check.status === "verified";
  if (!signed && policy === "warn") {
    deps.onSignatureWarning?.({
      planId: record.id,
      containerImageId: image.id,
      environmentId: image.environmentId,
      digest: record.targetDigest,
      check,
    });
  }
  const refused = !signed && policy === "enforce" ? (check.reason ?? check.status) : null;
  return { record: { ...record, signature: check }, refused };
}

/**
 * Ends a plan the signature policy refused, before any step ran: every step skipped, the plan
 * failed with the reason, a history entry saying so, and the listeners told.
 */
export async function refuseUnsigned(
  run: { store: SignatureDeps["store"]; progress: PlanProgress; now: () => Date },
  record: DeploymentPlan,
  reason: string,
): Promise<void> {
  const { store, progress, now } = run;
  for (const step of (await store.plans.getWithSteps(record.id))?.steps ?? []) {
    if (step.status === "pending") await store.plans.updateStep(step.id, { status: "skipped" });
  }
  const finishedAt = now();
  await finishPlan(
    store,
    record,
    { status: "failed", deployedServiceIds: [], rollbackOutcome: null, error: reason },
    finishedAt,
  );
  const started = record.startedAt ?? record.createdAt;
  progress.finished({
    status: "failed",
    rollbackOutcome: null,
    error: reason,
    durationMs: finishedAt.getTime() - started.getTime(),
  });
}
