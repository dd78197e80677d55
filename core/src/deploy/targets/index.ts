export * from "./docker-container.js";
export * from "./plan-targets.js";
export * from "./target.js";
