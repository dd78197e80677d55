import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAction } from "../../action/build.js";

// The runner executes the committed action/dist/index.js, never the sources: a change to
// action/src without a rebuild would ship stale code.
describe("action/dist", () => {
  it("is the bundle the current sources build to", async () => {
    const outfile = join(tmpdir(), `bridgeport-test-action-bundle-${process.pid}.js`);
    try {
      await buildAction(outfile);
      const [fresh, committed] = await Promise.all([
        readFile(outfile),
        readFile(new URL("../../action/dist/index.js", import.meta.url)),
      ]);
      expect(fresh.equals(committed), "action/dist is stale: run pnpm build:action").toBe(true);
    } finally {
      await rm(outfile, { force: true });
    }
  });
});
