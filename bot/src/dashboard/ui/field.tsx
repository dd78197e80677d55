/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { type FormState, fieldId } from "./form-state.js";

interface FieldBase {
  /** The API's name for the field: its refusal names it, and the error shows beside it. */
  name: string;
  label: string;
  state: FormState;
  hint?: Child;
  required?: boolean;
}

/** The message for a field, swapped in place when the form is sent in the background. */
export function FieldError(props: { name: string; state: FormState }) {
  const id = fieldId(props.name);
  return (
    <p class="field-error" id={`${id}-error`} data-swap>
      {props.state.problem?.fields[props.name] ?? ""}
    </p>
  );
}

/** The label, and beside it (not in it, so the field's name stays its label) whether it is required. */
function Label(props: FieldBase) {
  return (
    <span class="label">
      <label for={fieldId(props.name)}>{props.label}</label>
      {props.required ? <span class="muted"> required</span> : ""}
    </span>
  );
}

const described = (props: FieldBase) => {
  const id = fieldId(props.name);
  return props.hint ? `${id}-error ${id}-hint` : `${id}-error`;
};

const invalid = (props: FieldBase) => (props.state.problem?.fields[props.name] ? "true" : undefined);

function Hint(props: FieldBase) {
  return props.hint ? (
    <p class="hint" id={`${fieldId(props.name)}-hint`}>
      {props.hint}
    </p>
  ) : (
    ""
  );
}

/** A labelled input; a password field is never filled in again. */
export function Field(
  props: FieldBase & {
    type?: "text" | "password" | "number" | "url";
    placeholder?: string;
    autocomplete?: string;
  },
) {
  const type = props.type ?? "text";
  return (
    <div class="field">
      <Label {...props} />
      <input
        id={fieldId(props.name)}
        name={props.name}
        type={type}
        value={type === "password" ? undefined : props.state.values[props.name]}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete ?? (type === "password" ? "new-password" : "off")}
        aria-required={props.required ? "true" : undefined}
        aria-invalid={invalid(props)}
        aria-describedby={described(props)}
      />
      <Hint {...props} />
      <FieldError name={props.name} state={props.state} />
    </div>
  );
}

/** A labelled multi-line field (a private key); like a password, never filled in again. */
export function TextArea(props: FieldBase & { secret?: boolean }) {
  return (
    <div class="field">
      <Label {...props} />
      <textarea
        id={fieldId(props.name)}
        name={props.name}
        rows={4}
        aria-invalid={invalid(props)}
        aria-describedby={described(props)}
      >
        {props.secret ? "" : (props.state.values[props.name] ?? "")}
      </textarea>
      <Hint {...props} />
      <FieldError name={props.name} state={props.state} />
    </div>
  );
}

/** A labelled select; `options` are [value, label] pairs. */
export function Select(props: FieldBase & { options: readonly (readonly [string, string])[] }) {
  const current = props.state.values[props.name];
  return (
    <div class="field">
      <Label {...props} />
      <select
        id={fieldId(props.name)}
        name={props.name}
        aria-required={props.required ? "true" : undefined}
        aria-invalid={invalid(props)}
        aria-describedby={described(props)}
      >
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === current}>
            {label}
          </option>
        ))}
      </select>
      <Hint {...props} />
      <FieldError name={props.name} state={props.state} />
    </div>
  );
}

/** A labelled checkbox (posted as "on" when ticked). */
export function Checkbox(props: FieldBase) {
  return (
    <div class="field field-check">
      <input
        id={fieldId(props.name)}
        name={props.name}
        type="checkbox"
        checked={props.state.values[props.name] === "on"}
        aria-describedby={described(props)}
      />
      <Label {...props} />
      <Hint {...props} />
      <FieldError name={props.name} state={props.state} />
    </div>
  );
}
