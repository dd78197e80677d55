import { randomBytes } from "node:crypto";
import type { Job } from "@bridgeport/core";
import { waitUntil } from "../harness/index.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

/** The webhook secrets a lab bot is started with (random per lab). */
export interface WebhookSecrets {
  distribution: string;
  dockerhub: string;
  github: string;
  quay: string;
  cloudevents: string;
}

export async function startWebhookLab(): Promise<{ lab: BotLab; secrets: WebhookSecrets }> {
  const secret = () => randomBytes(20).toString("hex");
  const secrets: WebhookSecrets = {
    distribution: secret(),
    dockerhub: secret(),
    github: secret(),
    quay: secret(),
    cloudevents: secret(),
  };
  const lab = await startBotLab({
    WEBHOOK_DISTRIBUTION_SECRET: secrets.distribution,
    WEBHOOK_DOCKERHUB_TOKEN: secrets.dockerhub,
    WEBHOOK_GITHUB_SECRET: secrets.github,
    WEBHOOK_QUAY_TOKEN: secrets.quay,
    WEBHOOK_CLOUDEVENTS_SECRET: secrets.cloudevents,
  });
  return { lab, secrets };
}

/** Waits until the job has finished (done or failed for good) and returns it. */
export function settledJob(lab: BotLab, id: string, timeoutMs = 15_000): Promise<Job> {
  return waitUntil(
    async () => {
      const job = await lab.bot.deps.store.jobs.get(id);
      return job && (job.status === "done" || job.status === "failed") ? job : undefined;
    },
    { what: `job ${id} to finish`, timeoutMs },
  );
}
