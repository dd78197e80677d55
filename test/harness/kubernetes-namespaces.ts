import { z } from "zod";
import { type KubeClient, statusMessage } from "./kubernetes-api.js";
import { waitUntil } from "./process.js";

const serviceAccountSchema = z.object({
  secrets: z.array(z.object({ name: z.string() })).default([]),
});

/**
 * Whether `namespace` has the `default` ServiceAccount with its token Secret. Until it does, the
 * ServiceAccount admission plugin of v1.20 refuses pods there and ReplicaSets back off.
 */
export async function defaultServiceAccountReady(admin: KubeClient, namespace: string): Promise<boolean> {
  const response = await admin.request("GET", `/api/v1/namespaces/${namespace}/serviceaccounts/default`);
  if (response.status === 404) return false;
  if (response.status !== 200) throw new Error(`${response.status} ${statusMessage(response.body)}`);
  return serviceAccountSchema.parse(response.body).secrets.length > 0;
}

/**
 * Creates a namespace and waits until pods can be created in it. Every test file shares the one
 * control plane, so a name taken already is an error: give each test namespaces of its own.
 */
export async function createNamespace(admin: KubeClient, name: string, timeoutMs = 30_000): Promise<void> {
  const response = await admin.request("POST", "/api/v1/namespaces", {
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
  });
  if (response.status === 409) {
    throw new Error(
      `namespace ${name} already exists: the control plane is shared, use a name of this test's own`,
    );
  }
  if (response.status !== 201) {
    throw new Error(`creating namespace ${name}: ${response.status} ${statusMessage(response.body)}`);
  }
  await waitUntil(() => defaultServiceAccountReady(admin, name), {
    what: `the default ServiceAccount and its token in namespace ${name}`,
    timeoutMs,
  });
}
