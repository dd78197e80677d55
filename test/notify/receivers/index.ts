export { checkDiscordBody, startDiscordReceiver } from "./discord-receiver.js";
export type { Answer, HttpReceiver, Received } from "./http-receiver.js";
export { startSignedWebhookReceiver, verifyAsReadmeSays } from "./signed-webhook-receiver.js";
export { checkSlackBody, startSlackReceiver } from "./slack-receiver.js";
export { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver.js";
export { type LoopbackCert, loopbackCert } from "./tls-cert.js";
