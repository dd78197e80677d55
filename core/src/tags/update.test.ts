import { describe, expect, it } from "vitest";
import { explainUpdate, findUpdate, type UpdateCandidate, type UpdateDecision } from "./update.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const C = `sha256:${"c".repeat(64)}`;
const D = `sha256:${"d".repeat(64)}`;

type Row = [
  name: string,
  deployedTag: string,
  deployedDigest: string | null,
  candidates: UpdateCandidate[],
  expected: UpdateDecision,
];

const update = (tag: string, digest: string): UpdateDecision => ({ kind: "update", tag, digest });
const none = (reason: Extract<UpdateDecision, { kind: "none" }>["reason"]): UpdateDecision => ({
  kind: "none",
  reason,
});

// SPEC 3.2, every row; the deployed digest is A unless the row says otherwise.
const SPEC_ROWS: Row[] = [
  [
    "v2.3.1 -> v10.0.0 over v2.4.0 and v2.3.2",
    "v2.3.1",
    A,
    [
      { tag: "v2.4.0", digest: B },
      { tag: "v2.3.2", digest: C },
      { tag: "v10.0.0", digest: D },
    ],
    update("v10.0.0", D),
  ],
  [
    "2.9.0-alpine -> 2.10.0-alpine, not 2.10.0 nor 2.10.0-bookworm",
    "2.9.0-alpine",
    A,
    [
      { tag: "2.10.0-alpine", digest: B },
      { tag: "2.10.0", digest: C },
      { tag: "2.10.0-bookworm", digest: D },
    ],
    update("2.10.0-alpine", B),
  ],
  [
    "8.8-alpine -> 8.9-alpine, not 8.8-trixie",
    "8.8-alpine",
    A,
    [
      { tag: "8.8-trixie", digest: B },
      { tag: "8.9-alpine", digest: C },
    ],
    update("8.9-alpine", C),
  ],
  [
    "1.20 -> 1.21, not 1.20.0",
    "1.20",
    A,
    [
      { tag: "1.20.0", digest: B },
      { tag: "1.21", digest: C },
    ],
    update("1.21", C),
  ],
  ["v1.2.3 is not offered v1.3.0-rc1", "v1.2.3", A, [{ tag: "v1.3.0-rc1", digest: B }], none("no_newer_tag")],
  ["latest moved from A to B", "latest", A, [{ tag: "latest", digest: B }], update("latest", B)],
  ["latest still at A", "latest", A, [{ tag: "latest", digest: A }], none("up_to_date")],
  [
    "latest without a digest from the registry",
    "latest",
    A,
    [{ tag: "latest", digest: null }],
    none("no_digest_from_registry"),
  ],
  [
    "no recorded deployed digest (rolling tag)",
    "latest",
    null,
    [{ tag: "latest", digest: B }],
    none("no_deployed_digest"),
  ],
  [
    "no recorded deployed digest (version tag)",
    "v1.2.3",
    null,
    [{ tag: "v1.3.0", digest: B }],
    none("no_deployed_digest"),
  ],
];

const EDGE_ROWS: Row[] = [
  [
    "1.20 -> 1.21 once deployed is up to date: no flap back to 1.20.0",
    "1.21",
    C,
    [
      { tag: "1.20.0", digest: B },
      { tag: "1.21", digest: C },
    ],
    none("up_to_date"),
  ],
  [
    "1.20.0 is another family than 1.21: nothing to offer",
    "1.20.0",
    B,
    [
      { tag: "1.20.0", digest: B },
      { tag: "1.21", digest: C },
    ],
    none("up_to_date"),
  ],
  [
    "a newer tag on the deployed digest is not an update",
    "v2.3.1",
    A,
    [
      { tag: "v2.3.1", digest: A },
      { tag: "v2.3.2", digest: B },
      { tag: "v2.4.0", digest: A },
    ],
    none("up_to_date"),
  ],
  [
    "the newest tag has no digest: no false positive",
    "v2.3.1",
    A,
    [
      { tag: "v2.3.2", digest: B },
      { tag: "v2.4.0", digest: null },
    ],
    none("no_digest_from_registry"),
  ],
  ["the same version tag rebuilt", "v2.3.1", A, [{ tag: "v2.3.1", digest: B }], update("v2.3.1", B)],
  ["nothing newer, own tag gone", "v2.3.1", A, [{ tag: "v2.3.0", digest: B }], none("no_newer_tag")],
  [
    "nothing newer, own tag without digest",
    "v2.3.1",
    A,
    [{ tag: "v2.3.1", digest: null }],
    none("no_newer_tag"),
  ],
  ["an older version is never offered", "v2.3.1", A, [{ tag: "v2.2.9", digest: B }], none("no_newer_tag")],
  ["v01.2 is not newer than v1.2", "v1.2", A, [{ tag: "v01.2", digest: B }], none("no_newer_tag")],
  ["v01.3 is newer than v1.2", "v1.2", A, [{ tag: "v01.3", digest: B }], update("v01.3", B)],
  [
    "numeric, not lexical: v1.10 over v1.9",
    "v1.8",
    A,
    [
      { tag: "v1.9", digest: B },
      { tag: "v1.10", digest: C },
    ],
    update("v1.10", C),
  ],
  [
    "a pre-release follows its own family",
    "2.0-beta",
    A,
    [
      { tag: "2.1-beta", digest: B },
      { tag: "2.1", digest: C },
    ],
    update("2.1-beta", B),
  ],
  [
    "a rolling tag of the registry is not a newer version",
    "v1.2.3",
    A,
    [{ tag: "latest", digest: B }],
    none("no_newer_tag"),
  ],
  [
    "a rolling tag ignores version tags",
    "latest",
    A,
    [
      { tag: "v9.9.9", digest: B },
      { tag: "latest", digest: A },
    ],
    none("up_to_date"),
  ],
  [
    "the deployed rolling tag is gone",
    "main",
    A,
    [{ tag: "main-2026", digest: B }],
    none("no_digest_from_registry"),
  ],
  ["no candidates at all (rolling)", "latest", A, [], none("no_digest_from_registry")],
  ["no candidates at all (version)", "v1.0.0", A, [], none("no_newer_tag")],
  [
    "a tag listed under two digest rows: the latest push wins",
    "latest",
    A,
    [
      { tag: "latest", digest: B, pushedAt: new Date("2026-02-25T10:00:00Z") },
      { tag: "latest", digest: A, pushedAt: new Date("2026-02-20T10:00:00Z") },
    ],
    update("latest", B),
  ],
  [
    "equal versions: the latest push wins",
    "v1.2",
    A,
    [
      { tag: "v1.3", digest: B, pushedAt: new Date("2026-02-20T10:00:00Z") },
      { tag: "v01.3", digest: C, pushedAt: new Date("2026-02-25T10:00:00Z") },
    ],
    update("v01.3", C),
  ],
];

function decide(row: Row, reverse: boolean): UpdateDecision {
  const [, deployedTag, deployedDigest, candidates] = row;
  const ordered = reverse ? [...candidates].reverse() : candidates;
  return explainUpdate({ deployedTag, deployedDigest, candidates: ordered });
}

describe("explainUpdate", () => {
  it.each(SPEC_ROWS)("SPEC 3.2: %s", (...row) => {
    expect(decide(row, false)).toEqual(row[4]);
    expect(decide(row, true)).toEqual(row[4]);
  });

  it.each(EDGE_ROWS)("%s", (...row) => {
    expect(decide(row, false)).toEqual(row[4]);
    expect(decide(row, true)).toEqual(row[4]);
  });
});

describe("findUpdate", () => {
  it.each([...SPEC_ROWS, ...EDGE_ROWS])("%s", (...row) => {
    const expected = row[4];
    const found = findUpdate({ deployedTag: row[1], deployedDigest: row[2], candidates: row[3] });
    expect(found).toEqual(expected.kind === "update" ? { tag: expected.tag, digest: expected.digest } : null);
  });
});
