import { rate } from '../format.js';
import { POLL_MS } from '../poll.js';
import type { ThroughputPoint } from '../throughput.js';

const W = 900;
const H = 170;
const PAD = { left: 46, right: 12, top: 12, bottom: 22 };

/** 1, 2, 5, 10, 20, 50... at or above `value`. */
function niceCeil(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/**
 * Completed and failed jobs per second over the last minutes, as inline SVG:
 * the x axis is time (now at the right), the y axis jobs per second.
 */
export function ThroughputChart(props: { points: ThroughputPoint[] }) {
  const { points } = props;
  const windowMs = POLL_MS * 60;
  const end = points.length > 0 ? points[points.length - 1]!.at : 0;
  const start = end - windowMs;
  const visible = points.filter((point) => point.at > start);
  const max = niceCeil(Math.max(0, ...visible.map((point) => Math.max(point.completed, point.failed))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - start) / windowMs) * plotW;
  const y = (value: number) => PAD.top + plotH - (value / max) * plotH;
  const line = (pick: (point: ThroughputPoint) => number) =>
    visible
      .map((point, i) => `${i === 0 ? 'M' : 'L'}${x(point.at).toFixed(1)},${y(pick(point)).toFixed(1)}`)
      .join('');
  const completedLine = line((point) => point.completed);
  const area =
    visible.length > 0
      ? `${completedLine}L${x(visible[visible.length - 1]!.at).toFixed(1)},${y(0)}L${x(visible[0]!.at).toFixed(1)},${y(0)}Z`
      : '';
  const last = visible[visible.length - 1];
  const ticks = [0, 0.25, 0.5, 0.75, 1];

  return (
    <div class="chart" data-points={visible.length}>
      <div class="chart-legend">
        <span class="legend legend-completed">completed {last ? rate(last.completed) : '0'}/s</span>
        <span class="legend legend-failed">failed {last ? rate(last.failed) : '0'}/s</span>
        <span class="muted">
          last {Math.round(windowMs / 1000)} s, sampled every {POLL_MS / 1000} s
        </span>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Throughput: completed and failed jobs per second">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} />
            <text class="axis" x={PAD.left - 6} y={y(max * f) + 4} text-anchor="end">
              {String(+(max * f).toFixed(2))}
            </text>
          </g>
        ))}
        {ticks.map((f) => (
          <text
            key={f}
            class="axis"
            x={PAD.left + f * plotW}
            y={H - 6}
            text-anchor={f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}
          >
            {f === 1 ? 'now' : `-${Math.round(((1 - f) * windowMs) / 1000)}s`}
          </text>
        ))}
        {visible.length >= 2 ? (
          <>
            <path class="area-completed" d={area} />
            <path class="line-completed" d={completedLine} />
            <path class="line-failed" d={line((point) => point.failed)} />
          </>
        ) : (
          <text class="axis" x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} text-anchor="middle">
            Collecting samples…
          </text>
        )}
      </svg>
    </div>
  );
}
