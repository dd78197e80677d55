import { describe, expect, it } from "vitest";
import { describeDuration, parseDuration } from "./duration.js";
import { type InputName, readInputs } from "./inputs.js";

const digest = `sha256:${"ab".repeat(32)}`;
const valid: Partial<Record<InputName, string>> = {
  url: "https://bridgeport.example.com/",
  token: "t0ken",
  image: "registry.example.com/team/api",
  digest,
  environment: "production",
};
const read = (overrides: Partial<Record<InputName, string>>) => (name: InputName) =>
  ({ ...valid, ...overrides })[name] ?? "";

describe("readInputs", () => {
  it("applies the defaults and trims the URL's trailing slash", () => {
    expect(readInputs(read({}))).toEqual({
      url: "https://bridgeport.example.com",
      token: "t0ken",
      image: "registry.example.com/team/api",
      ref: { digest },
      environment: "production",
      wait: true,
      timeoutMs: 15 * 60_000,
      autoRollback: true,
      githubToken: undefined,
      comment: true,
    });
  });

  it.each([
    [{ tag: "v1.2.3", digest: "" }, { ref: { tag: "v1.2.3" } }],
    [
      { wait: "false", "auto-rollback": "FALSE", comment: "False" },
      { wait: false, autoRollback: false, comment: false },
    ],
    [{ timeout: "90s" }, { timeoutMs: 90_000 }],
    [{ "github-token": "ghs_x" }, { githubToken: "ghs_x" }],
  ])("%j reads as %j", (overrides, expected) => {
    expect(readInputs(read(overrides))).toMatchObject(expected);
  });

  it.each([
    [{ image: "" }, "Input `image` is required: the image as configured in Bridgeport"],
    [{ url: "" }, "Input `url` is required"],
    [{ url: "ftp://bridgeport.example.com" }, "Input `url` must be an http(s) URL"],
    [{ url: "https://user:pw@bridgeport.example.com" }, "Input `url` must not carry credentials"],
    [{ token: "" }, "Input `token` is required"],
    [{ environment: "" }, "Input `environment` is required"],
    [{ digest: "sha256:abc" }, "Input `digest` must be sha256:<64 lowercase hex>"],
    [{ digest: "" }, "Give exactly one of the inputs `digest`"],
    [{ tag: "v1" }, "Give exactly one of the inputs `digest`"],
    [{ digest: "", tag: "$(reboot)" }, "Input `tag` must be a tag"],
    [{ wait: "yes" }, "Input `wait` must be true or false"],
    [{ timeout: "soon" }, "Input `timeout` must be a duration"],
    [{ timeout: "7h" }, "Input `timeout` must be a duration"],
    [
      { timeout: "15" },
      "Input `timeout` needs a unit: 15m, 900s or 1h (a bare 15 could mean minutes or seconds)",
    ],
    [{ timeout: "900" }, "Input `timeout` needs a unit: 15m, 900s or 1h"],
  ])("%j fails naming the input", (overrides, message) => {
    expect(() => readInputs(read(overrides))).toThrow(message);
  });

  it("lists every problem at once", () => {
    expect(() => readInputs(read({ image: "", token: "" }))).toThrow(/`token`[\s\S]*`image`/);
  });
});

describe("parseDuration", () => {
  it.each([
    ["15m", 900_000],
    ["900s", 900_000],
    ["900", undefined],
    ["15", undefined],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1s", 1000],
    ["0s", undefined],
    ["", undefined],
    ["15 minutes", undefined],
    ["-5m", undefined],
    ["6h1s", undefined],
  ])("%s is %s ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [900_000, "15m"],
    [5_400_000, "1h 30m"],
    [1000, "1s"],
  ])("%i ms reads %s", (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
