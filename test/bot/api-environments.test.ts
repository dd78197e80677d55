import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
beforeAll(async () => {
  lab = await startBotLab();
});
afterAll(async () => {
  await lab?.stop();
});

const send = (method: string, body?: unknown) => ({
  method,
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

describe("environments API", () => {
  it("creates, reads, lists, renames and deletes an environment", async () => {
    const created = await lab.api("/api/environments", send("POST", { name: "staging" }));
    expect(created.status).toBe(201);
    const { environment } = await created.json();
    expect(environment).toMatchObject({
      name: "staging",
      autoPruneImages: false,
      pruneImagesMode: "dangling",
    });

    const got = await (await lab.api(`/api/environments/${environment.id}`)).json();
    expect(got.environment).toEqual(environment);
    const listed = await (await lab.api("/api/environments")).json();
    expect(listed.environments.map((e: { name: string }) => e.name)).toContain("staging");

    const patched = await lab.api(`/api/environments/${environment.id}`, send("PATCH", { name: "stage-2" }));
    expect(patched.status).toBe(200);
    expect((await patched.json()).environment.name).toBe("stage-2");

    expect((await lab.api(`/api/environments/${environment.id}`, send("DELETE"))).status).toBe(204);
    expect((await lab.api(`/api/environments/${environment.id}`)).status).toBe(404);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "prod", pruneImagesMode: "some" }, "pruneImagesMode"],
    [{ name: "prod", extra: 1 }, "(body)"],
    [{ name: "x".repeat(65) }, "name"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const res = await lab.api("/api/environments", send("POST", body));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(new RegExp(`^${field.replace(/[()]/g, "\\$&")}`));
  });

  it("answers 409 for a duplicate name and 404 for unknown ids", async () => {
    await lab.api("/api/environments", send("POST", { name: "dup" }));
    const again = await lab.api("/api/environments", send("POST", { name: "dup" }));
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "An environment with this name already exists" });
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await lab.api("/api/environments/nope", send(method, method === "PATCH" ? {} : undefined));
      expect(res.status).toBe(404);
    }
  });
});
