import { describe, expect, it } from "vitest";
import { crossOriginProblem, servedOrigin, servedOverHttps } from "./request-origin.js";

const request = (headers: Record<string, string>, url = "http://127.0.0.1:3000/environments") => ({
  url,
  header: (name: string) => headers[name],
});

describe("servedOrigin", () => {
  it.each([
    [{ host: "127.0.0.1:3000" }, false, "http://127.0.0.1:3000"],
    [{ host: "bot.internal:3000", "x-forwarded-proto": "https" }, false, "http://bot.internal:3000"],
    [
      { host: "bot.internal:3000", "x-forwarded-proto": "https", "x-forwarded-host": "deploy.example.com" },
      true,
      "https://deploy.example.com",
    ],
    [{ host: "deploy.example.com", "x-forwarded-proto": "https, http" }, true, "https://deploy.example.com"],
  ])("%j (trusting the proxy: %s) is %s", (headers, trust, origin) => {
    expect(servedOrigin(request(headers), trust)).toBe(origin);
    expect(servedOverHttps(request(headers), trust)).toBe(origin.startsWith("https:"));
  });
});

describe("crossOriginProblem", () => {
  const host = { host: "127.0.0.1:3000" };
  it.each([
    [{ ...host, origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }, null],
    [{ ...host, origin: "http://127.0.0.1:3000" }, null],
    [{ ...host, "sec-fetch-site": "same-origin" }, null],
    [
      { ...host, origin: "http://127.0.0.1:4000", "sec-fetch-site": "same-site" },
      "Sec-Fetch-Site: same-site",
    ],
    [
      { ...host, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      "Sec-Fetch-Site: cross-site",
    ],
    [{ ...host, origin: "http://127.0.0.1:4000" }, "not from the dashboard at http://127.0.0.1:3000"],
    [{ ...host, origin: "null" }, "sent from null"],
    [host, "no Origin header"],
  ])("%j: %s", (headers, problem) => {
    const found = crossOriginProblem(request(headers), false);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("behind a TLS proxy, says to trust it", () => {
    const found = crossOriginProblem(
      request({ host: "deploy.example.com", origin: "https://deploy.example.com" }),
      false,
    );
    expect(found).toContain("TRUST_PROXY=on");
    expect(
      crossOriginProblem(
        request({
          host: "deploy.example.com",
          origin: "https://deploy.example.com",
          "x-forwarded-proto": "https",
        }),
        true,
      ),
    ).toBeNull();
  });
});
