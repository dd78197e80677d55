import type { PlanStatus, StepStatus } from "../store/index.js";

/** One service's line in a plan result: the API answer, the Action output and the PR comment share it. */
export interface ServiceResult {
  serviceId: string;
  service: string;
  server: string;
  fromDigest: string | null;
  toDigest: string;
  status: StepStatus;
  health: string | null;
  durationMs: number | null;
  error: string | null;
}

export interface PlanResult {
  planId: string;
  status: PlanStatus;
  image: string;
  digest: string;
  tag: string | null;
  error: string | null;
  rollbackOutcome: string | null;
  services: ServiceResult[];
}

export type PlanEvent =
  | { type: "plan"; planId: string; status: PlanStatus; error?: string }
  | {
      type: "step";
      planId: string;
      serviceId: string;
      service: string;
      server: string;
      status: StepStatus;
      detail?: string;
    };
