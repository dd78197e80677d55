export * from "./registry/index.js";
export * from "./tags/index.js";
