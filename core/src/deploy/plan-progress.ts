import type { PlanTrigger, StepHealth, StepStatus } from "../store/index.js";
import type { HealthAttempt } from "./health/index.js";
import type { PlanStep } from "./plan.js";
import type { FinalStatus } from "./plan-finish.js";
import type { HealthPhase, PlanEvent } from "./plan-result.js";

/** The log a plan writes to (pino's logger fits): structured fields first, then the message. */
export interface PlanLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** What is known of a plan when it starts: every line and event about it names these. */
export interface PlanIdentity {
  planId: string;
  /** The image as configured (`registry/repository`). */
  image: string;
  digest: string;
  environment: string;
}

export interface StepEnd {
  status: StepStatus;
  durationMs: number;
  health: StepHealth | null;
  error: string | null;
}

/**
 * One plan's progress as its listeners see it: events on the plan stream (`onEvent`) and lines in
 * the bot's log. Log lines carry the plan, image, digest and environment, and never a secret:
 * only names, statuses, durations and the errors the steps store.
 */
export function planProgress(
  identity: PlanIdentity,
  outlets: { onEvent?: ((event: PlanEvent) => void) | undefined; log?: PlanLog | undefined },
) {
  const emit = outlets.onEvent ?? (() => undefined);
  const log = outlets.log;
  const { planId } = identity;
  const where = (step: PlanStep) => ({
    serviceId: step.serviceId,
    service: step.serviceName,
    server: step.serverName,
  });
  // pino's own `service` field names the program, so a step's service goes by serviceName.
  const logged = (step: PlanStep) => ({
    ...identity,
    serviceName: step.serviceName,
    server: step.serverName,
  });
  const stepEvent = (step: PlanStep, status: StepStatus, detail?: string) =>
    emit({ type: "step", planId, ...where(step), status, ...(detail ? { detail } : {}) });
  return {
    started(fields: { tag: string | null; trigger: PlanTrigger; services: number }) {
      emit({ type: "plan", planId, status: "running" });
      log?.info({ ...identity, ...fields }, "plan started");
    },
    step: stepEvent,
    stepFinished(step: PlanStep, end: StepEnd, detail?: string) {
      stepEvent(step, end.status, detail);
      const level = end.status === "failed" ? "warn" : "info";
      log?.[level]({ ...logged(step), ...end }, "step finished");
    },
    restored(step: PlanStep, outcome: { healthy: boolean; detail: string }) {
      const { healthy, detail } = outcome;
      log?.[healthy ? "info" : "warn"]({ ...logged(step), healthy, detail }, "service restored");
    },
    /** A listener for one health check's attempts. */
    health(step: PlanStep, phase: HealthPhase) {
      return (attempt: HealthAttempt) => emit({ type: "health", planId, ...where(step), phase, ...attempt });
    },
    finished(fields: {
      status: FinalStatus;
      durationMs: number;
      rollbackOutcome: string | null;
      error: string | null;
    }) {
      emit({ type: "plan", planId, status: fields.status, ...(fields.error ? { error: fields.error } : {}) });
      log?.[fields.status === "success" ? "info" : "warn"]({ ...identity, ...fields }, "plan finished");
    },
  };
}
export type PlanProgress = ReturnType<typeof planProgress>;
