import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
beforeAll(async () => {
  lab = await startBotLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe("environments API", () => {
  it("creates, reads, lists, renames and deletes an environment", async () => {
    const created = await call(lab, "POST", "/api/environments", { name: "staging" });
    expect(created.status).toBe(201);
    const { environment } = created.body;
    expect(environment).toMatchObject({
      name: "staging",
      autoPruneImages: false,
      pruneImagesMode: "dangling",
    });

    expect((await call(lab, "GET", `/api/environments/${environment.id}`)).body).toEqual({ environment });
    const listed = await call(lab, "GET", "/api/environments");
    expect(listed.body.environments.map((e: { name: string }) => e.name)).toContain("staging");

    const patched = await call(lab, "PATCH", `/api/environments/${environment.id}`, { name: "stage-2" });
    expect(patched.status).toBe(200);
    expect(patched.body.environment.name).toBe("stage-2");

    expect((await call(lab, "DELETE", `/api/environments/${environment.id}`)).status).toBe(204);
    expect((await call(lab, "GET", `/api/environments/${environment.id}`)).status).toBe(404);
  });

  it.each([
    [{ name: "" }, "name:"],
    [{ name: "prod", pruneImagesMode: "some" }, "pruneImagesMode:"],
    [{ name: "prod", extra: 1 }, "(body):"],
    [{ name: "x".repeat(65) }, "name:"],
    [{ name: "prod", autoPruneImages: "yes" }, "autoPruneImages:"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const res = await call(lab, "POST", "/api/environments", body);
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(field)).toBe(true);
  });

  it("answers 409 for a duplicate name or a non-empty environment, and 404 for unknown ids", async () => {
    const { body } = await call(lab, "POST", "/api/environments", { name: "dup" });
    const again = await call(lab, "POST", "/api/environments", { name: "dup" });
    expect(again).toMatchObject({
      status: 409,
      body: { error: "An environment with this name already exists" },
    });
    await call(lab, "POST", `/api/environments/${body.environment.id}/servers`, {
      name: "s1",
      mode: "socket",
      socketPath: "/run/none.sock",
    });
    const busy = await call(lab, "DELETE", `/api/environments/${body.environment.id}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe(
      "Cannot delete environment: it still has 0 registry connection(s), 0 container image(s) and 1 server(s)",
    );
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await call(lab, method, "/api/environments/nope", method === "PATCH" ? {} : undefined);
      expect(res.status).toBe(404);
    }
  });
});
