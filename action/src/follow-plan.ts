import { planEventSchema } from "@bridgeport/core/plan-result";
import type { BotClient } from "./bot-client.js";
import { isFinal, type PlanDetail, PlanDetailJson } from "./plan-json.js";
import type { ProgressPrinter } from "./progress.js";

export type FollowOutcome =
  | { kind: "finished"; detail: PlanDetail }
  | { kind: "timeout"; detail: PlanDetail };

const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;

/**
 * Follows a plan until it finishes or `deadline` (epoch ms) passes: the bot's event stream first,
 * then, if the stream breaks or ends early, polling the plan with a growing interval.
 */
export async function followPlan(
  client: BotClient,
  start: PlanDetail,
  deadline: number,
  progress: ProgressPrinter,
): Promise<FollowOutcome> {
  let latest = start;
  progress.snapshot(latest);
  if (isFinal(latest.plan.status)) return { kind: "finished", detail: latest };
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now()));
  try {
    try {
      for await (const message of client.events(latest.plan.id, stop.signal)) {
        if (message.event === "state") {
          const state = PlanDetailJson.safeParse(JSON.parse(message.data));
          if (!state.success) continue;
          latest = state.data;
          progress.snapshot(latest);
          if (isFinal(latest.plan.status)) return { kind: "finished", detail: latest };
        } else {
          const event = planEventSchema.safeParse(JSON.parse(message.data));
          if (event.success) progress.event(event.data);
        }
      }
    } catch (error) {
      if (stop.signal.aborted) return { kind: "timeout", detail: await lastWord(client, latest) };
      progress.note(`event stream interrupted (${(error as Error).message}); polling instead`);
    }
    for (let wait = FIRST_POLL_MS; Date.now() < deadline; wait = Math.min(MAX_POLL_MS, wait * 1.5)) {
      try {
        latest = await client.detail(latest.plan.id);
      } catch (error) {
        // One failed poll is not the plan's outcome: keep asking until the deadline.
        progress.note(`could not read the plan (${(error as Error).message}); retrying`);
      }
      progress.snapshot(latest);
      if (isFinal(latest.plan.status)) return { kind: "finished", detail: latest };
      await delay(Math.min(wait, deadline - Date.now()));
    }
    return { kind: "timeout", detail: latest };
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}

/** The plan as it stands when the wait ran out; the last known state if the bot does not answer. */
async function lastWord(client: BotClient, latest: PlanDetail): Promise<PlanDetail> {
  return client.detail(latest.plan.id).catch(() => latest);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
