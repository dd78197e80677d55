export * from "./registry/credentials.js";
export * from "./tags/index.js";
