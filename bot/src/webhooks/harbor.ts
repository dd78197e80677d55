import { z } from "zod";
import type { Delivery } from "./ingest.js";
import { toPush } from "./push.js";

/** Harbor's own webhook payload ("Default" format), sent to the distribution receiver. */
export const harborSchema = z.object({
  type: z.string().max(100),
  occur_at: z.number().optional(),
  event_data: z.object({
    resources: z
      .array(
        z.object({
          digest: z.string().optional(),
          tag: z.string().optional(),
          resource_url: z.string().max(1000).optional(),
        }),
      )
      .max(1000),
    repository: z.object({ repo_full_name: z.string().min(1).max(255) }),
  }),
});

/**
 * The pushes in a Harbor PUSH_ARTIFACT event. The host comes from each resource_url
 * (`harbor.example.com/project/app:tag`); Harbor sends no delivery id, so the body is the key.
 */
export function harborPushes(body: z.infer<typeof harborSchema>, deliveryKey: string): Delivery {
  const delivery = { source: "harbor", deliveryKey };
  if (body.type !== "PUSH_ARTIFACT")
    return { ...delivery, pushes: [], ignoredBecause: `event ${body.type} is not a push` };
  const repository = body.event_data.repository.repo_full_name;
  const pushes = body.event_data.resources.flatMap((resource) => {
    const url = resource.resource_url ?? "";
    const host = url.includes("/") ? url.slice(0, url.indexOf("/")) : "";
    const push = toPush(host ? `${host}/${repository}` : repository, {
      tag: resource.tag,
      digest: resource.digest,
      anyHost: !host,
    });
    return push ? [push] : [];
  });
  return { ...delivery, pushes };
}
