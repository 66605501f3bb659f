import { absolute, relative } from '../format.js';

/** "3m ago" with the exact time on hover. */
export function Time(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>;
  return (
    <time dateTime={props.at} title={absolute(props.at)}>
      {relative(props.at)}
    </time>
  );
}
