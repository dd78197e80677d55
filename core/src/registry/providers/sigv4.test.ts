import { describe, expect, it } from "vitest";
import { signAwsRequest } from "./sigv4.js";

// AWS's published Signature Version 4 test suite (credentials, date, region and service fixed by it).
const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const date = new Date("2015-08-30T12:36:00Z");

describe("signAwsRequest against the AWS SigV4 test suite", () => {
  it.each([
    {
      name: "get-vanilla",
      method: "GET",
      url: "https://example.amazonaws.com/",
      headers: {},
      body: undefined,
      signedHeaders: "host;x-amz-date",
      signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    },
    {
      name: "get-vanilla-query-order-key-case",
      method: "GET",
      url: "https://example.amazonaws.com/?Param2=value2&Param1=value1",
      headers: {},
      body: undefined,
      signedHeaders: "host;x-amz-date",
      signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    },
    {
      name: "get-vanilla-empty-query-key",
      method: "GET",
      url: "https://example.amazonaws.com/?Param1=value1",
      headers: {},
      body: undefined,
      signedHeaders: "host;x-amz-date",
      signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
    },
    {
      name: "post-vanilla",
      method: "POST",
      url: "https://example.amazonaws.com/",
      headers: {},
      body: undefined,
      signedHeaders: "host;x-amz-date",
      signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    },
    {
      name: "post-vanilla-query",
      method: "POST",
      url: "https://example.amazonaws.com/?Param1=value1",
      headers: {},
      body: undefined,
      signedHeaders: "host;x-amz-date",
      signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    },
    {
      name: "post-x-www-form-urlencoded",
      method: "POST",
      url: "https://example.amazonaws.com/",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Param1=value1",
      signedHeaders: "content-type;host;x-amz-date",
      signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    },
  ])("$name", async ({ method, url, headers, body, signedHeaders, signature }) => {
    const target = new URL(url);
    const signed = await signAwsRequest(
      {
        method,
        url: target,
        headers: { host: target.host, ...headers },
        ...(body === undefined ? {} : { body }),
      },
      credentials,
      "us-east-1",
      "service",
      date,
    );
    expect(signed["x-amz-date"]).toBe("20150830T123600Z");
    expect(signed.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    );
  });
});
