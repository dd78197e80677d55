import type { PlanStatus, StepStatus } from "../store/index.js";

/** One service's line in a plan result: the API answer, the Action output and the PR comment share it. */
export interface ServiceResult {
  serviceId: string;
  service: string;
  server: string;
  fromDigest: string | null;
  toDigest: string;
  status: StepStatus;
  /** The health check's verdict on the new digest; null when it never got that far. */
  health: ServiceHealth | null;
  durationMs: number | null;
  error: string | null;
}

export const SERVICE_HEALTH = ["healthy", "unhealthy"] as const;
export type ServiceHealth = (typeof SERVICE_HEALTH)[number];

export interface PlanResult {
  planId: string;
  status: PlanStatus;
  /** A dry run shows the plan and changes nothing. */
  dryRun: boolean;
  environment: string;
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
