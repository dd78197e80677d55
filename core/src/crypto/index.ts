export * from "./cipher.js";
export * from "./errors.js";
export * from "./master-key.js";
export * from "./rotate.js";
export * from "./upgrade.js";
