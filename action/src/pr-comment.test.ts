import { describe, expect, it } from "vitest";
import { type GitHubRequester, upsertComment } from "./pr-comment.js";
import { commentMarker } from "./report.js";

/** Comments of one issue behind Octokit's `request` signature. */
function fakeGitHub(initial: { id: number; body: string }[]) {
  const comments = [...initial];
  const calls: string[] = [];
  const github: GitHubRequester = {
    async request(route, parameters) {
      calls.push(route.split(" ")[0] ?? "");
      if (route.startsWith("GET")) {
        const page = Number(parameters.page);
        return { data: comments.slice((page - 1) * 100, page * 100) };
      }
      if (route.startsWith("PATCH")) {
        const found = comments.find((c) => c.id === parameters.comment_id);
        if (found) found.body = String(parameters.body);
        return { data: found };
      }
      const created = { id: comments.length + 1, body: String(parameters.body) };
      comments.push(created);
      return { data: created };
    },
  };
  return { github, comments, calls };
}

const issue = { owner: "o", repo: "r", number: 2 };
const marker = commentMarker("registry.example.com/team/api", "production");

describe("upsertComment", () => {
  it("creates the comment once, then updates that one", async () => {
    const gh = fakeGitHub([{ id: 1, body: "LGTM" }]);
    expect(await upsertComment(gh.github, issue, marker, "first")).toEqual({ action: "created", id: 2 });
    expect(await upsertComment(gh.github, issue, marker, "second")).toEqual({ action: "updated", id: 2 });
    expect(gh.comments).toEqual([
      { id: 1, body: "LGTM" },
      { id: 2, body: `${marker}\nsecond` },
    ]);
  });

  it("finds an earlier comment beyond the first page", async () => {
    const others = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, body: `comment ${i}` }));
    const gh = fakeGitHub([...others, { id: 151, body: `${marker}\nold` }]);
    expect(await upsertComment(gh.github, issue, marker, "new")).toEqual({ action: "updated", id: 151 });
    expect(gh.calls).toEqual(["GET", "GET", "PATCH"]);
  });
});

describe("commentMarker", () => {
  it.each([
    [
      "registry.example.com/team/api",
      "production",
      "<!-- bridgeport-deploy:registry.example.com/team/api:production -->",
    ],
    ["x", "prod --><script>", "<!-- bridgeport-deploy:x:prod_-__script_ -->"],
  ])("%s in %s marks as %s", (image, environment, expected) => {
    expect(commentMarker(image, environment)).toBe(expected);
  });
});
