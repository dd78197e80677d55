import { describe, expect, it } from "vitest";
import { declareImage, type ImageDeclaration, verdictFor } from "./kubelet-images.js";
import { desiredPodStatus, type Pod, statusDiffers } from "./kubelet-status.js";

// The stand-in kubelet's rules, without a cluster: what status it writes for which images.

const digestA = `sha256:${"a".repeat(64)}`;
const digestB = `sha256:${"b".repeat(64)}`;
const repo = "127.0.0.1:5000/team/web";
const now = new Date("2026-01-02T03:04:05.678Z");

function pod(...images: string[]): Pod {
  return {
    metadata: { name: "web-1", namespace: "ns" },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  };
}

const statusOf = (target: Pod, declarations: ImageDeclaration[]) =>
  desiredPodStatus(target, (image) => verdictFor(declarations, image), now);

describe("stand-in kubelet: image declarations", () => {
  it.each([
    { image: `${repo}@${digestA}`, declared: digestA, imageID: `docker-pullable://${repo}@${digestA}` },
    {
      image: `${repo}@${digestA}`,
      declared: `${repo}@${digestA}`,
      imageID: `docker-pullable://${repo}@${digestA}`,
    },
    { image: `${repo}:v1@${digestA}`, declared: digestA, imageID: `docker-pullable://${repo}@${digestA}` },
    {
      image: `nginx@${digestA}`,
      declared: digestA,
      imageID: `docker-pullable://nginx@${digestA}`,
    },
  ])("$declared covers $image and reports imageID $imageID", ({ image, declared, imageID }) => {
    expect(verdictFor([declareImage(declared, "healthy")], image)).toEqual({ verdict: "healthy", imageID });
  });

  it("reports a tag's declared digest as its imageID", () => {
    const declared = declareImage(`${repo}:v1`, "healthy", { digest: digestB });
    expect(verdictFor([declared], `${repo}:v1`)).toEqual({
      verdict: "healthy",
      imageID: `docker-pullable://${repo}@${digestB}`,
    });
  });

  it("refuses a tag without a digest, and a malformed digest", () => {
    expect(() => declareImage(`${repo}:v1`, "healthy")).toThrow(/a tag names no digest; pass \{ digest \}/);
    expect(() => declareImage(`${repo}:v1`, "healthy", { digest: "sha256:short" })).toThrow(
      /sha256:<64 hex>/,
    );
  });

  it("ignores images nobody declared, and lets the latest word win", () => {
    const declarations = [declareImage(digestA, "healthy"), declareImage(digestB, "unhealthy")];
    expect(verdictFor(declarations, `${repo}:v1`)).toBeUndefined();
    declarations.push(declareImage(digestA, "unhealthy"));
    expect(verdictFor(declarations, `${repo}@${digestA}`)?.verdict).toBe("unhealthy");
  });
});

describe("stand-in kubelet: pod status", () => {
  const healthyA = [declareImage(digestA, "healthy")];

  it("makes a pod of healthy images Running and Ready, as a kubelet reports it", () => {
    expect(statusOf(pod(`${repo}@${digestA}`), healthyA)).toEqual({
      phase: "Running",
      startTime: "2026-01-02T03:04:05Z",
      conditions: [
        {
          type: "Initialized",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: "2026-01-02T03:04:05Z",
        },
        { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-02T03:04:05Z" },
        {
          type: "ContainersReady",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: "2026-01-02T03:04:05Z",
        },
      ],
      containerStatuses: [
        {
          name: "c0",
          image: `${repo}@${digestA}`,
          imageID: `docker-pullable://${repo}@${digestA}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: "2026-01-02T03:04:05Z" } },
        },
      ],
    });
  });

  it("keeps a pod with one unhealthy container Running but never Ready (a failing readiness probe)", () => {
    const declarations = [...healthyA, declareImage(digestB, "unhealthy")];
    const status = statusOf(pod(`${repo}@${digestA}`, `${repo}@${digestB}`), declarations);
    expect(status?.phase).toBe("Running");
    expect(status?.conditions).toContainEqual(
      expect.objectContaining({
        type: "Ready",
        status: "False",
        reason: "ContainersNotReady",
        message: "containers with unready status: [c1]",
      }),
    );
    expect(status?.containerStatuses?.map(({ name, ready }) => [name, ready])).toEqual([
      ["c0", true],
      ["c1", false],
    ]);
  });

  it("leaves a pod untouched (Pending) while any of its images is undeclared", () => {
    expect(statusOf(pod(`${repo}@${digestA}`, `${repo}:other`), healthyA)).toBeUndefined();
  });

  it("needs no second write for a pod it already reported, and keeps its times", () => {
    const first = pod(`${repo}@${digestA}`);
    const reported = statusOf(first, healthyA);
    if (reported === undefined) throw new Error("expected a status");
    const later = desiredPodStatus(
      { ...first, status: reported },
      (image) => verdictFor(healthyA, image),
      new Date(),
    );
    expect(later).toEqual(reported);
    expect(statusDiffers(reported, later ?? reported)).toBe(false);
    expect(statusDiffers(reported, statusOf(first, [declareImage(digestA, "unhealthy")]) ?? reported)).toBe(
      true,
    );
  });
});
