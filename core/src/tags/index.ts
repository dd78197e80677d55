export * from "./best-tag.js";
export * from "./family.js";
export * from "./filter.js";
export * from "./recency.js";
export * from "./update.js";
