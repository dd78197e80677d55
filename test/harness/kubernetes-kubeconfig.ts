import { writeFile } from "node:fs/promises";
import type { KubernetesEndpoint } from "./kubernetes-api.js";

/**
 * Writes a kubeconfig (JSON, which is valid YAML) for `endpoint` as the holder of `token`, mode
 * 0600: kubectl and the controller manager read the token from it, never from their argv.
 *
 * @example
 * await writeKubeconfig(join(dir, "kubeconfig"), cluster.info, token);
 * await runCommand(["kubectl", "--kubeconfig", join(dir, "kubeconfig"), "get", "pods"]);
 */
export async function writeKubeconfig(
  path: string,
  endpoint: KubernetesEndpoint,
  token: string,
): Promise<string> {
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "bridgeport-test",
        cluster: {
          server: endpoint.url,
          "certificate-authority-data": Buffer.from(endpoint.caPem).toString("base64"),
        },
      },
    ],
    users: [{ name: "bridgeport-test", user: { token } }],
    contexts: [{ name: "bridgeport-test", context: { cluster: "bridgeport-test", user: "bridgeport-test" } }],
    "current-context": "bridgeport-test",
  };
  await writeFile(path, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  return path;
}
