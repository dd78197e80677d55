import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INPUT_DEFAULTS, INPUT_NAMES } from "../../action/src/inputs.js";
import { OUTPUT_NAMES } from "../../action/src/outputs.js";

// action.yml and the code must agree: a composite step gets no INPUT_* variables of its own, so
// an input the code reads but the step's env: forgets would silently read as empty.
interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: { id?: string; run?: string; shell?: string; env?: Record<string, string> }[];
  };
}
const action = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as ActionYml;
const sorted = (names: Iterable<string>) => [...names].sort();

describe("action.yml", () => {
  it("is a composite action", () => {
    expect(action.runs.using).toBe("composite");
  });

  it("declares exactly the inputs the code reads, with the code's defaults", () => {
    expect(sorted(Object.keys(action.inputs))).toEqual(sorted(INPUT_NAMES));
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect(String(action.inputs[name]?.default), `default of ${name}`).toBe(value);
    }
  });

  it("declares exactly the outputs the code writes, each from the deploy step", () => {
    expect(sorted(Object.keys(action.outputs))).toEqual(sorted(OUTPUT_NAMES));
    for (const name of OUTPUT_NAMES) {
      expect(action.outputs[name]?.value).toBe(`\${{ steps.deploy.outputs.${name} }}`);
    }
  });

  it("passes every input, and nothing else, through env: under the name getInput reads", () => {
    const step = action.runs.steps.find((s) => s.id === "deploy");
    const expected = Object.fromEntries(
      INPUT_NAMES.map((name) => [`INPUT_${name.toUpperCase()}`, `\${{ inputs.${name} }}`]),
    );
    expect(step?.env).toEqual(expected);
  });

  it("interpolates nothing into a run: line (user text reaches the shell only through env:)", () => {
    const runs = action.runs.steps.map((s) => s.run).filter((run) => run !== undefined);
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run).not.toContain("${{");
    expect(runs).toContain('node "$GITHUB_ACTION_PATH/action/dist/index.js"');
  });
});
