import { randomUUID } from "node:crypto";

export const DISTRIBUTION_CONTENT_TYPE = "application/vnd.docker.distribution.events.v1+json";

export interface PushedManifest {
  /** `127.0.0.1:PORT`, as the registry names itself in `request.host`. */
  registryHost: string;
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
}

/**
 * One manifest push as the CNCF distribution registry notifies it: every field the registry
 * sends (target, request, actor, source), and a fresh event id, so no two notifications are
 * the same delivery and the bot's dedupe never short-cuts the work.
 */
export function distributionNotification(push: PushedManifest, now = new Date()): string {
  const event = {
    id: randomUUID(),
    timestamp: now.toISOString(),
    action: "push",
    target: {
      mediaType: push.mediaType,
      size: push.size,
      digest: push.digest,
      length: push.size,
      repository: push.repository,
      url: `http://${push.registryHost}/v2/${push.repository}/manifests/${push.digest}`,
      tag: push.tag,
    },
    request: {
      id: randomUUID(),
      addr: "127.0.0.1:41234",
      host: push.registryHost,
      method: "PUT",
      useragent: "containers/5.23.1 (github.com/containers/image)",
    },
    actor: { name: "ci" },
    source: { addr: "bench:5000", instanceID: randomUUID() },
  };
  // The registry writes its envelope indented across lines; the receiver must take it as sent.
  return JSON.stringify({ events: [event] }, null, 2);
}
