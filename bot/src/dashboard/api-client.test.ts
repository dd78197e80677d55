import { randomBytes } from "node:crypto";
import { createCipher, createStore, openDatabase, type Store } from "@bridgeport/core";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { type ApiEnv, bearerAuth } from "../http/auth.js";
import { apiProblem, dashboardApi } from "./api-client.js";

describe("apiProblem", () => {
  it.each([
    [
      "the validation hook's issues, each by field",
      {
        error: "name: Required",
        issues: [
          { field: "name", message: "Required" },
          { field: "port", message: "too big" },
        ],
      },
      { name: "Required", port: "too big" },
    ],
    [
      "badRequest's `field: message`",
      { error: "registryUrl: an http:// URL" },
      { registryUrl: "an http:// URL" },
    ],
    ["a nested field", { error: "healthCheck.url: a URL" }, { "healthCheck.url": "a URL" }],
    [
      "deploy by name's `field`",
      { error: 'No container image "x"', field: "image" },
      { image: 'No container image "x"' },
    ],
    ["a seed's sentence stays whole", { error: "Registry API error: 401" }, {}],
    ["a conflict", { error: "Cannot delete registry connection with 2 container image(s) attached" }, {}],
  ])("%s", (_what, body, fields) => {
    const problem = apiProblem(400, body);
    expect(problem.fields).toEqual(fields);
    expect(problem.message).toBe(body.error);
  });

  it("an answer that is not the API's error shape says the status", () => {
    expect(apiProblem(502, "<html>")).toEqual({ status: 502, message: "The API answered 502", fields: {} });
  });
});

describe("dashboardApi", () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const database = await openDatabase({ url: ":memory:" });
    store = createStore(database, { cipher: createCipher(randomBytes(32)) });
    close = () => database.close();
  });
  afterAll(() => close());

  const app = () => {
    const hono = new Hono<ApiEnv>();
    hono.use("/api/*", bearerAuth({ config: loadConfig({}), store }));
    hono.get("/api/who", (c) => c.json({ actor: c.var.actor, role: c.var.role }));
    hono.post("/api/things", (c) => c.json({ made: true }, 201));
    return hono;
  };

  it("calls the API as the session's caller, under the API's role rules", async () => {
    const api = dashboardApi(app());
    expect(await api.call({ actor: "pat", role: "read" }, "GET", "/api/who")).toEqual({
      ok: true,
      status: 200,
      body: { actor: "pat", role: "read" },
    });
    const refused = await api.call({ actor: "pat", role: "read" }, "POST", "/api/things", {});
    expect(refused).toMatchObject({ ok: false, problem: { status: 403 } });
    expect(await api.call({ actor: "root", role: "admin" }, "POST", "/api/things", {})).toMatchObject({
      ok: true,
      status: 201,
    });
  });

  it("an env object the dashboard did not make is no caller", async () => {
    const forged = await app().request("/api/who", {}, { actor: "root", role: "admin" });
    expect(forged.status).toBe(401);
  });
});
