/** A failed request, shown where its data would have been. */
export function ErrorNote(props: { error: Error | undefined }) {
  if (!props.error) return null;
  return (
    <div class="note note-error" role="alert">
      {props.error.message}
    </div>
  );
}
