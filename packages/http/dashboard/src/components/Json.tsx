/**
 * Job data, pretty-printed. The text is a child string, so Preact writes it
 * as a text node: a payload holding markup is shown, never interpreted.
 */
export function Json(props: { value: unknown; empty?: string }) {
  if (props.value === null || props.value === undefined) {
    return <p class="muted">{props.empty ?? 'null'}</p>;
  }
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}
