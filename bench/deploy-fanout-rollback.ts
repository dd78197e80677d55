import { waitUntil } from "@bridgeport/test/harness";
import { phaseStats, rollbackTiming, stepMarks } from "./deploy-fanout-phases.js";
import { runTimedPlan } from "./deploy-fanout-plan.js";
import type { FanoutVersion, FanoutWorld } from "./deploy-fanout-world.js";

const SETTLE_TIMEOUT_MS = 30_000;

/**
 * Deploys `bad` (its HEALTHCHECK always fails) with autoRollback and times the way back: from the
 * first failed verdict to every service restored and healthy. The end is the plan's final event,
 * or later if the bench's own inspect still finds a service not back on `restoreTo` and healthy.
 * Each service's restore is split by Docker's own timestamps: the verdict, the previous
 * container's restart, its first passing probe, and the bot seeing it.
 */
export async function measureRollback(
  world: FanoutWorld,
  restoreTo: FanoutVersion,
  indexes: readonly number[],
) {
  const serviceIds = indexes.map((i) => world.services[i]?.id ?? "");
  const plan = await runTimedPlan(world, "bad", { serviceIds, autoRollback: true, expect: "rolled_back" });
  const timing = rollbackTiming(plan);
  const healthyAt = await expectRunning(world, restoreTo, indexes);
  const end = Math.max(timing.planEndAt, healthyAt);
  const services = await Promise.all(
    indexes.map(async (index) => {
      const service = world.services[index];
      const step = plan.steps.find((s) => s.serviceId === service?.id);
      const marks = step ? stepMarks(step) : {};
      const docker = await world.healthTimeline(index);
      const verdict = marks.health ?? Number.NaN;
      return {
        server: index + 1,
        verdict_after_first_s: seconds(verdict - timing.verdictAt),
        verdict_to_restarted_s: seconds(docker.startedAt - verdict),
        restarted_to_docker_healthy_s: seconds((docker.healthyAt ?? Number.NaN) - docker.startedAt),
        docker_healthy_to_bot_saw_s: seconds(
          (marks.restore ?? Number.NaN) - (docker.healthyAt ?? Number.NaN),
        ),
      };
    }),
  );
  return {
    rollback_s: seconds(end - timing.verdictAt),
    plan_s: seconds(plan.seconds * 1000),
    verdict_to_plan_end_s: timing.verdictToPlanEndS,
    failed_event_to_plan_end_s: timing.failedEventToPlanEndS,
    verdict_spread_s: Math.max(...services.map((s) => s.verdict_after_first_s)),
    per_service: services,
    phases: phaseStats(plan.steps),
  };
}

/**
 * Waits until the given services run `version` and report healthy; returns the wall-clock
 * millisecond it first saw that.
 */
export async function expectRunning(
  world: FanoutWorld,
  version: FanoutVersion,
  indexes: readonly number[],
): Promise<number> {
  const want = world.versions[version].digest;
  return waitUntil(
    async () => {
      const states = await Promise.all(indexes.map((i) => world.state(i)));
      return states.every((s) => s.digest === want && s.running && s.health === "healthy") && Date.now();
    },
    {
      what: `services ${indexes.join(",")} running ${version}, healthy`,
      timeoutMs: SETTLE_TIMEOUT_MS,
      intervalMs: 100,
    },
  );
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(3));
