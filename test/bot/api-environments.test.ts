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

  it("treats names differing only in case as one name: create, rename and lookups", async () => {
    const staging = await call(lab, "POST", "/api/environments", { name: "case-staging" });
    expect(staging.status).toBe(201);
    const conflict = { status: 409, body: { error: "An environment with this name already exists" } };
    for (const name of ["Case-Staging", "CASE-STAGING"])
      expect(await call(lab, "POST", "/api/environments", { name })).toMatchObject(conflict);
    const other = await call(lab, "POST", "/api/environments", { name: "case-other" });
    expect(
      await call(lab, "PATCH", `/api/environments/${other.body.environment.id}`, { name: "case-STAGING" }),
    ).toMatchObject(conflict);
    // Its own name in another case is a rename, not a conflict.
    const renamed = await call(lab, "PATCH", `/api/environments/${staging.body.environment.id}`, {
      name: "Case-Staging",
    });
    expect(renamed.status).toBe(200);
    const listed = (await call(lab, "GET", "/api/environments")).body.environments as { name: string }[];
    expect(listed.filter((e) => e.name.toLowerCase() === "case-staging")).toHaveLength(1);

    const found = await lab.bot.deps.store.environments.findByName("CASE-staging");
    expect(found?.id).toBe(staging.body.environment.id);
    // POST /api/deploy finds the environment however it is spelt; the image is what is missing.
    const deploy = await call(lab, "POST", "/api/deploy", {
      environment: "case-STAGING",
      image: "registry.example.com/team/none",
      tag: "v1",
    });
    expect(deploy.status).toBe(404);
    expect(deploy.body.field).toBe("image");
    expect(deploy.body.error).toMatch(/^No container image .* in environment "Case-Staging"/);
  });
});
