export * from "./crypto/index.js";
export * from "./deploy/index.js";
export * from "./images/index.js";
export * from "./kubernetes/index.js";
export * from "./registry/index.js";
export * from "./remote/index.js";
export * from "./store/index.js";
export * from "./tags/index.js";
