/** A job state as a coloured pill; the colours match the overview's columns. */
export function StateBadge(props: { state: string }) {
  return <span class={`badge state-${props.state}`}>{props.state}</span>;
}
