export * from "./docker-container.js";
export * from "./kubernetes-workload.js";
export * from "./plan-targets.js";
export * from "./swarm-service.js";
export * from "./target.js";
