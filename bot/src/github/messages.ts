import { USAGE } from "./command.js";
import { REPO_FILE } from "./repo-config.js";

// The bot's replies. Text that came from a comment is quoted in code spans or escaped, so a
// reply never turns it into a mention or a link.

export const helpReply = (defaultEnvironment: string | null): string =>
  [
    "**Bridgeport commands** (first line of a comment; people with write access):",
    "",
    USAGE,
    "",
    defaultEnvironment
      ? `Without \`to <environment>\`, commands go to **${defaultEnvironment}**.`
      : "This repository is not configured in Bridgeport yet.",
  ].join("\n");

export const usageReply = (problem: string): string =>
  `⚠️ I could not read that command: ${problem}.\n\nUsage:\n${USAGE}`;

export const notAllowedReply = (login: string): string =>
  `Sorry @${login}, only people with write or admin permission on this repository can deploy, roll back or lock. Nothing was run.`;

export const notConfiguredReply = (repository: string): string =>
  `This repository (\`${repository}\`) is not configured in Bridgeport: an operator adds it with \`POST /api/github-repositories\`. Nothing was run.`;

export const configProblemReply = (problem: string): string =>
  `⚠️ ${escapeText(problem)}\n\nFix \`${REPO_FILE}\` on the default branch or the repository's mapping in Bridgeport. Nothing was run.`;

export const environmentNotAllowedReply = (environment: string, allowed: readonly string[]): string =>
  `⚠️ This repository may not deploy to \`${environment}\`; allowed: ${allowed.map((e) => `\`${e}\``).join(", ")}. Nothing was run.`;

/** Plain text from users or servers, made safe to show in Markdown: no mentions, links or HTML. */
export function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/@/g, "@\u200b");
}

/** A hidden marker so a re-run of the same job finds and reuses its comment. */
export const planMarker = (planId: string, deploymentId: number | null): string =>
  `<!-- bridgeport:plan=${planId} deployment=${deploymentId ?? "none"} -->`;

export function readMarker(body: string, planId: string): { deploymentId: number | null } | undefined {
  const match = new RegExp(`<!-- bridgeport:plan=${planId} deployment=(\\d+|none) -->`).exec(body);
  if (!match) return undefined;
  return { deploymentId: match[1] === "none" || match[1] === undefined ? null : Number(match[1]) };
}
