import { jsx } from "hono/jsx";
import { describe, expect, it } from "vitest";
import type { Server, Service } from "../api-types.js";
import type { SessionView } from "../session.js";
import { ServersPage } from "./servers-page.js";
import { ServiceTable } from "./service-table.js";

// A Swarm manager and a Swarm service in the dashboard's tables: how each is reached, and what
// its name on the server names.

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

describe("Swarm in the dashboard's tables", () => {
  it("lists a Swarm manager with how it is reached: its SSH address and host key, or its socket", async () => {
    const rows = await cells(
      jsx(ServersPage, {
        environmentId: "e1",
        servers: [
          server({ id: "m1", name: "mgr-ssh", mode: "swarm", host: "10.0.0.5", username: "deploy" }),
          server({ id: "m2", name: "mgr-sock", mode: "swarm", socketPath: "/run/docker.sock" }),
        ],
        serviceCounts: new Map([["m1", 2]]),
        session: viewer,
        state: { values: {} },
      }),
    );
    expect(rows.filter((r) => r.length > 0)).toEqual([
      ["mgr-ssh", "swarm manager (ssh)", "deploy@10.0.0.5:22", "⚠ not pinned", "2"],
      ["mgr-sock", "swarm manager (socket)", "/run/docker.sock", "—", "0"],
    ]);
  });

  it("names what a service runs as: a container, a compose service or a Swarm service", async () => {
    const service = (id: string, kind: Service["kind"]): Service => ({
      id,
      serverId: "m1",
      containerImageId: "i1",
      name: id,
      containerName: id,
      swarmService: kind === "swarm-service" ? id : null,
      kind,
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
        services: [service("web", "swarm-service"), service("db", "container"), service("api", "compose")],
      }),
    );
    expect(rows.filter((r) => r.length > 0).map((r) => r.slice(0, 2))).toEqual([
      ["web", "web Swarm service"],
      ["db", "db container"],
      ["api", "api compose service"],
    ]);
  });
});
