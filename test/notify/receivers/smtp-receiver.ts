import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { LoopbackCert } from "./tls-cert.js";

export interface SmtpReceiver {
  host: string;
  port: number;
  mails: ParsedMail[];
  /** Every AUTH attempt: the user and whether the connection was already TLS. */
  logins: { username: string; secure: boolean }[];
  stop(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on loopback that takes STARTTLS with `tls` and requires
 * login as `user`; each message is parsed with mailparser, so tests read its MIME parts.
 */
export async function startSmtpReceiver(
  tls: LoopbackCert,
  user: { username: string; password: string },
): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = [];
  const logins: SmtpReceiver["logins"] = [];
  const server = new SMTPServer({
    // tls.createSecureContext options, which smtp-server's typings do not list.
    ...({ key: tls.key, cert: tls.cert } as object),
    secure: false,
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    onAuth(auth, session, callback) {
      logins.push({ username: auth.username ?? "", secure: session.secure });
      if (auth.username === user.username && auth.password === user.password)
        return callback(null, { user: auth.username });
      return callback(new Error("535 Authentication failed"));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    host: "127.0.0.1",
    port,
    mails,
    logins,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
