/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Field } from "../ui/field.js";
import type { FormState } from "../ui/form-state.js";
import { Document } from "../ui/layout.js";

/**
 * Sign in with an API token. The token goes only into this password field and the POST body;
 * it is exchanged for a session cookie and never put in a URL or a page.
 */
export function SignInPage(props: { state: FormState; next: string }) {
  return (
    <Document title="Sign in">
      <main id="main" class="narrow">
        <h1>Sign in to Bridgeport</h1>
        <p class="lead">
          Use an API token: the bootstrap token, BRIDGEPORT_ADMIN_TOKEN, or one made with POST /api/tokens.
          The dashboard lets you do what the token's role allows.
        </p>
        <form method="post" action="/sign-in" class="panel">
          <input type="hidden" name="next" value={props.next} />
          <Field
            name="token"
            label="API token"
            type="password"
            state={props.state}
            autocomplete="off"
            required
          />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      </main>
    </Document>
  );
}
