import { jsx } from "hono/jsx";
import { describe, expect, it } from "vitest";
import type { Server, Service } from "../api-types.js";
import type { SessionView } from "../session.js";
import { ServersPage } from "./servers-page.js";
import { ServiceTable } from "./service-table.js";

// Swarm managers, Kubernetes clusters and their services in the dashboard's tables: how each
// server is reached, and what a service's name on it names.

const server = (over: Partial<Server>): Server => ({
  id: "s1",
  environmentId: "e1",
  name: "app",
  mode: "ssh",
  host: null,
  port: 22,
  username: null,
  authKind: null,
  hasSecret: false,
  hostKeyFingerprint: null,
  socketPath: null,
  dockerSocketPath: "/var/run/docker.sock",
  platform: null,
  apiServerUrl: null,
  caCertificate: null,
  namespace: null,
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
  ...over,
});

const viewer = { csrf: "x", role: "viewer" } as unknown as SessionView;

/** The table rows' cells, as text. */
async function cells(node: ReturnType<typeof jsx>): Promise<string[][]> {
  const html = await node.toString();
  return [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, row]) =>
    [...(row ?? "").matchAll(/<td>(.*?)<\/td>/gs)].map(([, cell]) => (cell ?? "").replace(/<[^>]+>/g, "")),
  );
}

describe("Swarm and Kubernetes in the dashboard's tables", () => {
  it("lists a Swarm manager with how it is reached: its SSH address and host key, or its socket", async () => {
    const rows = await cells(
      jsx(ServersPage, {
        environmentId: "e1",
        servers: [
          server({ id: "m1", name: "mgr-ssh", mode: "swarm", host: "10.0.0.5", username: "deploy" }),
          server({ id: "m2", name: "mgr-sock", mode: "swarm", socketPath: "/run/docker.sock" }),
          server({ id: "k1", name: "cluster", mode: "kubernetes", apiServerUrl: "https://10.0.0.9:6443" }),
        ],
        serviceCounts: new Map([["m1", 2]]),
        session: viewer,
        state: { values: {} },
      }),
    );
    expect(rows.filter((r) => r.length > 0)).toEqual([
      ["mgr-ssh", "swarm manager (ssh)", "deploy@10.0.0.5:22", "⚠ not pinned", "2"],
      ["mgr-sock", "swarm manager (socket)", "/run/docker.sock", "—", "0"],
      ["cluster", "kubernetes cluster", "https://10.0.0.9:6443", "—", "0"],
    ]);
  });

  it("names what a service runs as: a container, a compose service, a Swarm service or a workload's container", async () => {
    const service = (id: string, kind: Service["kind"]): Service => ({
      id,
      serverId: "m1",
      containerImageId: "i1",
      name: id,
      containerName: id,
      swarmService: kind === "swarm-service" ? id : null,
      kind,
      workload:
        kind === "k8s-workload"
          ? { namespace: "team-a", kind: "Deployment", name: id, container: "app" }
          : null,
      composeFile: null,
      composeService: null,
      healthCheck: null,
      deployedDigest: null,
      dependsOn: [],
      createdAt: "2026-12-01T00:00:00.000Z",
      updatedAt: "2026-12-01T00:00:00.000Z",
    });
    const rows = await cells(
      jsx(ServiceTable, {
        caption: "Services",
        services: [
          service("web", "swarm-service"),
          service("db", "container"),
          service("api", "compose"),
          service("shop", "k8s-workload"),
        ],
      }),
    );
    expect(rows.filter((r) => r.length > 0).map((r) => r.slice(0, 2))).toEqual([
      ["web", "web Swarm service"],
      ["db", "db container"],
      ["api", "api compose service"],
      ["shop", "team-a/Deployment/shop container app"],
    ]);
  });
});
