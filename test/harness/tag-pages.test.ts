import { describe, expect, it } from "vitest";
import { tagPage } from "./tag-pages.js";

const tags = ["v2", "a", "v10", "b", "latest"];

describe("tagPage", () => {
  it.each([
    ["", ["a", "b", "latest", "v10", "v2"], null],
    ["n=2", ["a", "b"], '</v2/app/tags/list?n=2&last=b>; rel="next"'],
    ["n=2&last=b", ["latest", "v10"], '</v2/app/tags/list?n=2&last=v10>; rel="next"'],
    ["n=2&last=v10", ["v2"], null],
    ["n=5", ["a", "b", "latest", "v10", "v2"], null],
    ["n=0", [], null],
    ["last=latest", ["v10", "v2"], null],
    ["n=abc", ["a", "b", "latest", "v10", "v2"], null],
  ])("query %j gives %j and link %j", (query, expected, link) => {
    expect(tagPage("app", tags, new URLSearchParams(query))).toEqual({ tags: expected, link });
  });
});
