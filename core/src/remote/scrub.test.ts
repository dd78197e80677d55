import { describe, expect, it } from "vitest";
import { scrubSecrets } from "./scrub.js";

describe("scrubSecrets", () => {
  it.each([
    { text: "denied for hunter2", secrets: ["hunter2"], scrubbed: "denied for ***" },
    { text: "hunter2 hunter2", secrets: ["hunter2"], scrubbed: "*** ***" },
    { text: `auth ${Buffer.from("hunter2").toString("base64")}`, secrets: ["hunter2"], scrubbed: "auth ***" },
    { text: "token abc and abcdef", secrets: ["abc", "abcdef"], scrubbed: "token *** and ***" },
    { text: "nothing to hide", secrets: [""], scrubbed: "nothing to hide" },
    { text: "nothing to hide", secrets: [], scrubbed: "nothing to hide" },
  ])("masks $secrets in $text", ({ text, secrets, scrubbed }) => {
    expect(scrubSecrets(text, secrets)).toBe(scrubbed);
  });
});
