import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// `pnpm build:action`: the committed bundle the runner executes (action.yml runs
// action/dist/index.js). Unminified and without source maps so a reviewer can read the diff;
// paths in it are relative to the repository root, so the bytes do not depend on where it is built.

const root = fileURLToPath(new URL("..", import.meta.url));

/** Bundles action/src/index.ts and every dependency into one ESM file for Node 20. */
export async function buildAction(outfile: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ["action/src/index.ts"],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: false,
    sourcemap: false,
    legalComments: "inline",
    logLevel: "warning",
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAction(process.argv[2] ?? `${root}action/dist/index.js`);
}
