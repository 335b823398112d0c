/** The analytics series as an SVG line chart, with a legend and the same figures as a table. */
import type { SeriesPoint } from '../api/types';
import { bucketLabel, chartGeometry, formatCount, SERIES_METRICS } from '../model/analytics';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 40, right: 12, top: 10, bottom: 28 };

export function SeriesChart({ series, bucket }: { series: SeriesPoint[]; bucket: 'hour' | 'day' }) {
  const geometry = chartGeometry(series, bucket, WIDTH - PAD.left - PAD.right, HEIGHT - PAD.top - PAD.bottom);
  const summary = geometry.lines.map((l) => `${SERIES_METRICS.find((m) => m.key === l.key)?.label}: ${formatCount(l.total)}`).join(', ');
  return (
    <figure className="series-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Executions per ${bucket}. Totals: ${summary}.`} data-testid="series-chart">
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {geometry.yTicks.map((t) => (
            <g key={t.value}>
              <line x1={0} x2={WIDTH - PAD.left - PAD.right} y1={t.y} y2={t.y} className="grid" />
              <text x={-6} y={t.y} className="tick" textAnchor="end" dominantBaseline="middle">
                {formatCount(t.value)}
              </text>
            </g>
          ))}
          {geometry.xLabels.map((l) => (
            <text key={l.x} x={l.x} y={HEIGHT - PAD.top - PAD.bottom + 18} className="tick" textAnchor="middle">
              {l.text}
            </text>
          ))}
          {geometry.lines.map((l) => (
            <polyline key={l.key} points={l.points} className={`series series-${l.key}`} fill="none" />
          ))}
        </g>
      </svg>
      <figcaption className="legend">
        {geometry.lines.map((l) => (
          <span key={l.key} className={`legend-item series-${l.key}`}>
            {SERIES_METRICS.find((m) => m.key === l.key)?.label} ({formatCount(l.total)})
          </span>
        ))}
      </figcaption>
      <details>
        <summary>Show as a table</summary>
        <table className="data-table" aria-label={`Executions per ${bucket}`}>
          <thead>
            <tr>
              <th scope="col">{bucket === 'hour' ? 'Hour' : 'Day'}</th>
              {SERIES_METRICS.map((m) => (
                <th scope="col" key={m.key}>
                  {m.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series
              .filter((p) => SERIES_METRICS.some((m) => p[m.key] > 0))
              .map((p) => (
                <tr key={p.start}>
                  <th scope="row">{bucketLabel(p.start, bucket)}</th>
                  {SERIES_METRICS.map((m) => (
                    <td key={m.key}>{p[m.key]}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
