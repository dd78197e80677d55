import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { request } from "undici";
import { type KubernetesEndpoint, kubeClient } from "./kubernetes-api.js";
import type { ControlPlanePki } from "./kubernetes-pki.js";
import { freePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./process.js";

const startAttempts = 3;
const childEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

/**
 * Starts a server on free ports, again on new ones when another process took a port between
 * `freePort()` and the child's bind (the child then says "address already in use").
 */
async function onFreePorts<T extends { process: ManagedProcess }>(
  count: number,
  start: (ports: number[]) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    try {
      return await start(ports);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= startAttempts || !message.includes("address already in use")) throw error;
    }
  }
}

/** Stops `child` when `ready` fails, so a failed start leaves nothing running. */
async function readyOrStopped<T>(child: ManagedProcess, ready: Promise<T>): Promise<T> {
  try {
    return await ready;
  } catch (error) {
    await child.stop({ graceMs: 1_000 });
    throw error;
  }
}

/** One etcd member on loopback with its own data dir and free client and peer ports. */
export async function startEtcd(
  dir: string,
  timeoutMs: number,
): Promise<{ url: string; process: ManagedProcess }> {
  const dataDir = join(dir, "etcd");
  return onFreePorts(2, async ([clientPort, peerPort]) => {
    const url = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const child = startProcess({
      name: `etcd :${clientPort}`,
      argv: [
        "/usr/bin/etcd",
        "--name=bridgeport-test",
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=bridgeport-test=${peerUrl}`,
        "--log-level=warn",
      ],
      env: childEnv,
    });
    const healthy = async () => {
      const response = await request(`${url}/health`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      return ((await response.body.json()) as { health?: string }).health === "true";
    };
    await readyOrStopped(
      child,
      waitUntil(healthy, { what: `etcd ${url}/health`, timeoutMs, process: child }),
    );
    return { url, process: child };
  });
}

/**
 * kube-apiserver on a free port of 127.0.0.1 (no insecure port), static tokens, RBAC only, and
 * service-account tokens signed with the harness's key (TokenRequest needs the issuer flags).
 */
export async function startApiServer(
  binDir: string,
  dir: string,
  pki: ControlPlanePki,
  etcdUrl: string,
  timeoutMs: number,
): Promise<{ url: string; process: ManagedProcess }> {
  const certDir = join(dir, "apiserver-certs");
  await mkdir(certDir);
  return onFreePorts(1, async ([port]) => {
    const url = `https://127.0.0.1:${port}`;
    const child = startProcess({
      name: `kube-apiserver :${port}`,
      argv: [
        join(binDir, "kube-apiserver"),
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${port}`,
        "--insecure-port=0",
        `--cert-dir=${certDir}`,
        `--tls-cert-file=${pki.certPath}`,
        `--tls-private-key-file=${pki.keyPath}`,
        `--token-auth-file=${pki.tokenFilePath}`,
        "--authorization-mode=RBAC",
        `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
        `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        // Only a name for ClusterIPs: no Service traffic flows here.
        "--service-cluster-ip-range=10.96.0.0/24",
        // The `kubernetes` Service's endpoint would be 127.0.0.1, which Endpoints validation refuses.
        "--endpoint-reconciler-type=none",
        "--profiling=false",
      ],
      env: childEnv,
    });
    const endpoint = { url, caPem: pki.caPem };
    await readyOrStopped(
      child,
      waitUntil(() => isReady(endpoint, pki.adminToken), {
        what: `kube-apiserver ${url}/readyz`,
        timeoutMs,
        process: child,
      }),
    );
    return { url, process: child };
  });
}

async function isReady(endpoint: KubernetesEndpoint, token: string): Promise<boolean> {
  const client = kubeClient(endpoint, token);
  try {
    return (await client.request("GET", "/readyz")).status === 200;
  } finally {
    await client.close();
  }
}

/**
 * kube-controller-manager with only the controllers a Deployment rollout needs: without the
 * serviceaccount controllers a namespace gets no `default` ServiceAccount (and, in v1.20, no token
 * Secret for it), and the ServiceAccount admission plugin refuses every pod. It serves nothing.
 */
export function startControllerManager(
  binDir: string,
  kubeconfigPath: string,
  pki: ControlPlanePki,
): ManagedProcess {
  return startProcess({
    name: "kube-controller-manager",
    argv: [
      join(binDir, "kube-controller-manager"),
      `--kubeconfig=${kubeconfigPath}`,
      "--controllers=deployment,replicaset,serviceaccount,serviceaccount-token",
      `--service-account-private-key-file=${pki.serviceAccountKeyPath}`,
      `--root-ca-file=${pki.certPath}`,
      "--leader-elect=false",
      "--secure-port=0",
      "--port=0",
      "--profiling=false",
    ],
    env: childEnv,
  });
}
