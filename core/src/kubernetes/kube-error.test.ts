import { ApiException } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { kubeClient } from "./kube-client.js";
import { kubeError } from "./kube-error.js";

// The errors are the client's own: kubeError knows them once the bot has loaded it.
beforeAll(async () => {
  await kubeClient();
});

const status = (code: number, message: string) =>
  new ApiException(code, "", JSON.stringify({ kind: "Status", message }), {
    authorization: "Bearer secret-token",
  });
const patch = { verb: "patch", resource: "deployments.apps", namespace: "team-a", object: "Deployment web" };

describe("kubeError", () => {
  it.each([
    [
      403,
      'deployments.apps "web" is forbidden',
      /^forbidden: needs patch on deployments\.apps in team-a \(deployments\.apps "web" is forbidden\)$/,
    ],
    [
      409,
      "the object has been modified",
      /^Deployment web in team-a was changed by someone else since it was read \(409 Conflict\): nothing was changed/,
    ],
    [
      401,
      "Unauthorized",
      /^unauthorized: the API server does not accept the cluster's token or client certificate/,
    ],
    [404, 'deployments.apps "web" not found', /^Deployment web not found in team-a/],
  ])("a %i names what to do", (code, message, expected) => {
    const error = kubeError(status(code, message), patch);
    expect(error.message).toMatch(expected);
    expect(error.status).toBe(code);
    // The API exception's own text carries the request headers: never part of the message.
    expect(error.message).not.toContain("secret-token");
  });
});
