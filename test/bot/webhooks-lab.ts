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

/** One manifest push as a distribution registry's notification event names it. */
export interface NotifiedPush {
  eventId: string;
  host: string;
  repository: string;
  tag: string;
  digest: string;
  mediaType?: string;
}

/** Posts a distribution registry's push notification, signed with the lab's secret. */
export async function notifyDistribution(
  lab: BotLab,
  secrets: WebhookSecrets,
  push: NotifiedPush,
): Promise<{ status: number; body: { deliveryId: string; queued: number } }> {
  const res = await fetch(`${lab.url}/webhooks/distribution`, {
    method: "POST",
    headers: {
      "content-type": "application/vnd.docker.distribution.events.v1+json",
      authorization: secrets.distribution,
    },
    body: JSON.stringify({
      events: [
        {
          id: push.eventId,
          action: "push",
          target: {
            mediaType: push.mediaType ?? "application/vnd.oci.image.manifest.v1+json",
            repository: push.repository,
            digest: push.digest,
            tag: push.tag,
          },
          request: { host: push.host },
        },
      ],
    }),
  });
  return { status: res.status, body: (await res.json()) as { deliveryId: string; queued: number } };
}
