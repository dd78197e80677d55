/** The outcome of a health check: a value, never an exception, for an unhealthy service. */
export interface HealthVerdict {
  healthy: boolean;
  attempts: number;
  durationMs: number;
  /** What the last attempt saw, e.g. "HTTP 503 from http://127.0.0.1:8080/". */
  detail: string;
}

/** One attempt. `final` ends the check at once (an exited container will not become healthy). */
export interface AttemptOutcome {
  ok: boolean;
  detail: string;
  final?: boolean;
}

/** One attempt as it ends, for whoever follows a check while it runs (the plan stream). */
export interface HealthAttempt {
  attempt: number;
  /** How many attempts the check may take. */
  of: number;
  ok: boolean;
  detail: string;
}
