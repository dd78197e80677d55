export * from "./registry/credentials.js";
