/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { ImageCreateInput } from "../../http/image-input.js";
import type { Registry } from "../api-types.js";
import { Checkbox, Field, Select } from "../ui/field.js";
import type { FormState } from "../ui/form-state.js";
import { FormProblem, PostForm } from "../ui/post-form.js";

const IMAGE_FIELDS = Object.keys(ImageCreateInput.shape);

/** Create Image (seed 001's fields), or an image's settings. */
export function ImageForm(props: {
  action: string;
  csrf: string;
  state: FormState;
  registries: readonly Registry[];
  editing?: boolean;
}) {
  const { state } = props;
  return (
    <PostForm
      action={props.action}
      csrf={props.csrf}
      label={props.editing ? "Image settings" : "Create Image"}
    >
      <FormProblem state={state} id="image-problem" fields={IMAGE_FIELDS} />
      <Field name="name" label="Name" state={state} required hint="A display name, e.g. My App Backend" />
      <Field
        name="imageName"
        label="Image name"
        state={state}
        required
        hint="The full image path without a tag, e.g. registry.example.com/team/app"
      />
      <Field
        name="tagFilter"
        label="Tag filter"
        state={state}
        hint="Comma-separated patterns of the tags to track, e.g. v*.*.*, latest (* never matches -). Default: latest"
      />
      <Select
        name="registryConnectionId"
        label="Registry connection"
        state={state}
        options={[["", "none"], ...props.registries.map((r) => [r.id, r.name] as const)]}
      />
      {props.editing ? (
        ""
      ) : (
        <Checkbox name="autoUpdate" label="Deploy new digests automatically" state={state} />
      )}
      <button type="submit" class="primary">
        {props.editing ? "Save settings" : "Create Image"}
      </button>
    </PostForm>
  );
}
