import { describe, expect, it } from "vitest";
import { rolloutStatus } from "./rollout-status.js";
import type { Workload } from "./workloads.js";

const template = { spec: { containers: [{ name: "web", image: "r/web@sha256:1" }] } };
const deployment = (status: NonNullable<Workload["status"]>, generation = 2, replicas = 3): Workload => ({
  metadata: { generation },
  spec: { replicas, template },
  status,
});
const deadline = {
  type: "Progressing",
  status: "False",
  reason: "ProgressDeadlineExceeded",
  message: 'ReplicaSet "web-5d4c" has timed out progressing.',
};

describe("rolloutStatus", () => {
  it.each([
    [
      "the controller has not seen the new spec",
      deployment({
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
      "progressing",
    ],
    [
      "a new pod is not ready yet",
      deployment({
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
      "progressing",
    ],
    [
      "an old pod is still there",
      deployment({
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
      "progressing",
    ],
    [
      "every replica updated, ready and available",
      deployment({
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
      "done",
    ],
    [
      "ProgressDeadlineExceeded",
      deployment({
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [deadline],
      }),
      "failed",
    ],
    // An old failure the controller has not yet replaced after a new spec is not this rollout's.
    [
      "ProgressDeadlineExceeded of the previous generation",
      deployment({ observedGeneration: 1, conditions: [deadline] }),
      "progressing",
    ],
  ] as const)("a Deployment where %s: %s", (_, workload, state) => {
    expect(rolloutStatus("Deployment", workload).state).toBe(state);
  });

  it("a deadline condition read before the bot's own patch is the previous rollout's, not this one's", () => {
    const at = "2026-12-04T21:00:00Z";
    const failed = deployment({
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [{ ...deadline, lastUpdateTime: at }],
    });
    const stale = Date.parse(at);
    expect(rolloutStatus("Deployment", failed, { staleDeadline: stale }).state).toBe("progressing");
    expect(rolloutStatus("Deployment", failed, { staleDeadline: stale - 1000 }).state).toBe("failed");
    expect(rolloutStatus("Deployment", failed).state).toBe("failed");
  });

  it("names the controller's message and the replica counts", () => {
    const failed = rolloutStatus(
      "Deployment",
      deployment({
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [deadline],
      }),
    );
    expect(failed).toEqual({
      state: "failed",
      message: 'ProgressDeadlineExceeded: ReplicaSet "web-5d4c" has timed out progressing.',
      tally: { desired: 3, updated: 1, ready: 3, available: 3, total: 4 },
    });
    const moving = rolloutStatus(
      "Deployment",
      deployment({
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 2,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
    );
    expect(moving.message).toBe(
      "rolling out: 2/3 updated, 3/3 ready, 3/3 available (4 replicas, old ones included)",
    );
  });

  it("a StatefulSet is done when its update revision is current, with ready standing in for available", () => {
    const status = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 };
    const sts = (s: object): Workload => ({
      metadata: { generation: 2 },
      spec: { replicas: 2, template },
      status: { ...status, ...s },
    });
    expect(
      rolloutStatus("StatefulSet", sts({ currentRevision: "web-1", updateRevision: "web-2" })).state,
    ).toBe("progressing");
    expect(
      rolloutStatus("StatefulSet", sts({ currentRevision: "web-2", updateRevision: "web-2" })).state,
    ).toBe("done");
  });

  it("a DaemonSet counts the nodes it is scheduled on", () => {
    const ds = (updated: number): Workload => ({
      metadata: { generation: 1 },
      spec: { template },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: updated,
        numberReady: 2,
        numberAvailable: 2,
      },
    });
    expect(rolloutStatus("DaemonSet", ds(1)).state).toBe("progressing");
    expect(rolloutStatus("DaemonSet", ds(2)).state).toBe("done");
  });
});
