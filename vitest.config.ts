import { defineConfig } from "vitest/config";

// Two projects: fast pure tests beside the code, and tests that drive real components
// (registry, sshd, dockerd) started once by the harness's global set-up.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["core/src/**/*.test.ts", "bot/src/**/*.test.ts", "action/src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/harness/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
