import { describe, expect, it } from "vitest";
import { explainUpdate } from "./update.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const P1 = `sha256:${"1".repeat(64)}`;
const P2 = `sha256:${"2".repeat(64)}`;
const UP_TO_DATE = { kind: "none", reason: "up_to_date" } as const;
const update = (tag: string, digest: string) => ({ kind: "update", tag, digest }) as const;

describe("multi-platform images (SPEC 3.2: compare this platform's child digest too)", () => {
  it.each([
    [
      "another architecture rebuilt only",
      "latest",
      P1,
      { tag: "latest", digest: B, platformDigest: P1 },
      UP_TO_DATE,
    ],
    [
      "this architecture rebuilt",
      "latest",
      P1,
      { tag: "latest", digest: B, platformDigest: P2 },
      update("latest", B),
    ],
    [
      "child digest unknown: the index decides",
      "latest",
      P1,
      { tag: "latest", digest: B, platformDigest: null },
      update("latest", B),
    ],
    [
      "deployed child unknown: the index decides",
      "latest",
      null,
      { tag: "latest", digest: B, platformDigest: P1 },
      update("latest", B),
    ],
    ["same index digest", "latest", P1, { tag: "latest", digest: A, platformDigest: P2 }, UP_TO_DATE],
    [
      "newer version, same image for this platform",
      "v1.2.0",
      P1,
      { tag: "v1.3.0", digest: B, platformDigest: P1 },
      UP_TO_DATE,
    ],
    [
      "newer version, new image for this platform",
      "v1.2.0",
      P1,
      { tag: "v1.3.0", digest: B, platformDigest: P2 },
      update("v1.3.0", B),
    ],
  ] as const)("%s", (_name, deployedTag, deployedPlatformDigest, candidate, expected) => {
    expect(
      explainUpdate({ deployedTag, deployedDigest: A, deployedPlatformDigest, candidates: [candidate] }),
    ).toEqual(expected);
  });

  it("a single-platform image republished as an index holding the same child is not an update", () => {
    const decision = explainUpdate({
      deployedTag: "latest",
      deployedDigest: P1,
      candidates: [{ tag: "latest", digest: B, platformDigest: P1 }],
    });
    expect(decision).toEqual(UP_TO_DATE);
  });
});
