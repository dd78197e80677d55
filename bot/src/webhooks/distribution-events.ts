import type { WebhookPush } from "@bridgeport/core";
import { z } from "zod";
import { toPush } from "./push.js";

// A manifest push; blob pushes (layers, configs) carry other media types and are not images.
const MANIFEST_TYPES = new Set([
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);

const eventSchema = z.object({
  id: z.string().min(1).max(200),
  action: z.string(),
  target: z.object({
    mediaType: z.string().optional(),
    repository: z.string().min(1).max(255),
    digest: z.string().optional(),
    tag: z.string().optional(),
  }),
  request: z.object({ host: z.string().max(255).optional() }).optional(),
});

/** The CNCF distribution registry's notification envelope (also GitLab's). */
export const distributionEnvelopeSchema = z.object({ events: z.array(eventSchema).max(1000) });

type DistributionEvent = z.infer<typeof eventSchema>;

/** The tagged manifest pushes among the events; pulls, blobs and untagged pushes are not. */
export function distributionPushes(events: readonly DistributionEvent[]): WebhookPush[] {
  return events.flatMap((event) => {
    const { target } = event;
    if (event.action !== "push" || !target.tag || !MANIFEST_TYPES.has(target.mediaType ?? "")) return [];
    const host = event.request?.host;
    const push = toPush(host ? `${host}/${target.repository}` : target.repository, {
      tag: target.tag,
      digest: target.digest,
      anyHost: !host,
    });
    return push ? [push] : [];
  });
}
