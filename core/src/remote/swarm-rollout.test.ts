import { describe, expect, it } from "vitest";
import { rolloutTimeoutMs, rolloutView, specWithImage, taskErrors } from "./swarm-rollout.js";
import type { SwarmService, SwarmTask } from "./swarm-schemas.js";

// Shapes as dockerd 20.10 answers GET /services/{id} and GET /tasks (trimmed to what is read,
// plus one field this code does not know, which must survive).
const OLD = `127.0.0.1:5000/app/web@sha256:${"a".repeat(64)}`;
const NEW = `127.0.0.1:5000/app/web@sha256:${"b".repeat(64)}`;
const service = (image: string, status: SwarmService["UpdateStatus"], replicas = 3): SwarmService => ({
  ID: "t1e2g0ow59pcztidrxrkveunv",
  Version: { Index: 74 },
  Spec: {
    Name: "web",
    TaskTemplate: { ContainerSpec: { Image: image, Env: ["PORT=4123{{.Task.Slot}}"] }, ForceUpdate: 0 },
    Mode: { Replicated: { Replicas: replicas } },
    UpdateConfig: { Parallelism: 1, FailureAction: "rollback", Monitor: 1e9, Order: "stop-first" },
  },
  UpdateStatus: status,
});
const task = (
  slot: number,
  image: string,
  desired: string,
  state: string,
  extra: Partial<SwarmTask> = {},
): SwarmTask => ({
  ID: `task-${slot}-${state}-${image.slice(-4)}`,
  ServiceID: "t1e2g0ow59pcztidrxrkveunv",
  NodeID: "vjyy1ix5l68mi21ihf7ykd3by",
  Slot: slot,
  DesiredState: desired,
  Spec: { ContainerSpec: { Image: image } },
  Status: { State: state },
  ...extra,
});
const updating = {
  State: "updating",
  StartedAt: "2026-12-04T18:59:36.150900616Z",
  Message: "update in progress",
};

describe("rolloutView", () => {
  it("counts the tasks on the spec's image while Swarm updates slot by slot", () => {
    const view = rolloutView(service(NEW, updating), [
      task(1, OLD, "running", "running"),
      task(2, OLD, "running", "running"),
      task(3, OLD, "shutdown", "running"),
      task(3, NEW, "running", "starting"),
    ]);
    expect(view).toMatchObject({ state: "updating", onSpec: 0, replicas: 3, converged: false });
    expect(view.tasks.map((t) => `${t.name} ${t.state}`)).toEqual([
      "web.1 running",
      "web.2 running",
      "web.3 running",
      "web.3 starting",
    ]);
  });

  it.each([
    ["every replica on the spec's image", [1, 2, 3].map((n) => task(n, NEW, "running", "running")), true],
    ["one replica short", [1, 2].map((n) => task(n, NEW, "running", "running")), false],
    [
      "an old task still running while it stops",
      [...[1, 2, 3].map((n) => task(n, NEW, "running", "running")), task(3, OLD, "shutdown", "running")],
      false,
    ],
    [
      "history only besides the current tasks",
      [...[1, 2, 3].map((n) => task(n, NEW, "running", "running")), task(3, OLD, "shutdown", "failed")],
      true,
    ],
  ])("converged with %s: %s", (_what, tasks, converged) => {
    const done = { State: "completed", StartedAt: updating.StartedAt, Message: "update completed" };
    expect(rolloutView(service(NEW, done), tasks).converged).toBe(converged);
  });

  it("a service never updated has no state; a state this code does not know counts as still updating", () => {
    expect(rolloutView(service(OLD, null), []).state).toBeNull();
    expect(rolloutView(service(OLD, { State: "rolling_sideways" }), []).state).toBe("updating");
  });
});

describe("taskErrors", () => {
  it("names each failed task of the digest once, newest first, in Swarm's words", () => {
    const digest = NEW.slice(NEW.indexOf("@") + 1);
    const err = "task: non-zero exit (137): dockerexec: unhealthy container";
    const errors = taskErrors(
      service(OLD, { State: "rollback_completed" }),
      [
        task(3, NEW, "shutdown", "failed", {
          Status: { State: "failed", Err: err },
          CreatedAt: "2026-12-04T18:59:56Z",
        }),
        task(3, NEW, "shutdown", "failed", {
          Status: { State: "failed", Err: err },
          CreatedAt: "2026-12-04T18:59:57Z",
        }),
        task(2, NEW, "shutdown", "rejected", {
          Status: { State: "rejected", Message: "No such image" },
          CreatedAt: "2026-12-04T18:59:58Z",
        }),
        task(1, OLD, "shutdown", "failed", { Status: { State: "failed", Err: "another image" } }),
      ],
      digest,
    );
    expect(errors).toEqual(["web.2: No such image", `web.3: ${err}`]);
  });
});

describe("rolloutTimeoutMs", () => {
  it.each([
    [{ Parallelism: 1, Monitor: 1e9 }, 3, 2 * 3 * 61_000],
    [{ Parallelism: 0, Monitor: 5e9, Delay: 10e9 }, 3, 2 * 75_000],
    [{ Parallelism: 1, Monitor: 1e9 }, 1, 122_000],
    [undefined, 1, 130_000],
  ])("settings %j with %d replicas: %d ms", (config, replicas, expected) => {
    const spec = { ...service(OLD, null, replicas).Spec, UpdateConfig: config };
    expect(rolloutTimeoutMs(spec)).toBe(expected);
  });
});

describe("specWithImage", () => {
  it("changes the image only, keeping every setting (unknown ones too)", () => {
    const spec = service(OLD, null).Spec;
    const next = specWithImage(spec, NEW);
    expect(next.TaskTemplate.ContainerSpec).toEqual({ Image: NEW, Env: ["PORT=4123{{.Task.Slot}}"] });
    expect({ ...next, TaskTemplate: spec.TaskTemplate }).toEqual(spec);
    expect(next.TaskTemplate.ForceUpdate).toBe(0);
  });

  it("the same image again forces new tasks", () => {
    expect(specWithImage(service(OLD, null).Spec, OLD).TaskTemplate.ForceUpdate).toBe(1);
  });
});
