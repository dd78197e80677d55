import { runningDigest } from "../remote/index.js";
import type { Server } from "../store/index.js";
import type { HostProvider } from "./host-provider.js";

/** The digest a service's container runs now, or null, with what was seen, for the answer. */
export interface CurrentDigest {
  digest: string | null;
  detail: string;
}

/**
 * Reads what digest a container runs on its server when a service is added for it, so the
 * first deploy has a From and a rollback a target. Never throws: a missing container, an image
 * never pulled by digest from the image's registry, or a server that does not answer all give
 * no digest and say why.
 *
 * @example
 * await currentDigest(hosts, server, "web", "registry.example.com/team/web")
 * // => { digest: "sha256:…", detail: "container web runs registry.example.com/team/web@sha256:…" }
 */
export async function currentDigest(
  hosts: HostProvider,
  server: Server,
  container: string,
  imageName: string,
): Promise<CurrentDigest> {
  try {
    const host = await hosts.host(server.id);
    const found = await runningDigest(host.engine, container, imageName);
    if (!found) {
      return {
        digest: null,
        detail: `no container named ${container} on ${server.name} yet: no digest is recorded`,
      };
    }
    return { digest: found.digest, detail: found.detail };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      digest: null,
      detail: `could not reach server ${server.name} to read what ${container} runs (${reason}): no digest is recorded; discover the server or deploy once it answers`,
    };
  }
}
