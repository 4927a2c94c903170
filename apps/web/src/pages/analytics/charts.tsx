import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { fmt } from './ChartBlock';

/**
 * The dashboard's charts (recharts, loaded with the analytics route only). Series differ by line style and
 * marker shape as well as by colour, and every colour has at least 3:1 contrast on white.
 */
export const SERIES_STYLES = [
  { color: '#8a4b00', dash: undefined, shape: 'circle' },
  { color: '#0b5a8a', dash: '6 4', shape: 'square' },
  { color: '#1d6b34', dash: '2 3', shape: 'triangle' },
] as const;

export interface SeriesDef {
  key: string;
  label: string;
  /** The right-hand axis (a figure of another magnitude, like the score). */
  right?: boolean;
}

type Datum = Record<string, string | number | null>;

function Marker({ cx, cy, shape, color }: { cx?: number; cy?: number; shape: string; color: string }) {
  if (cx === undefined || cy === undefined || Number.isNaN(cy)) return null;
  if (shape === 'square') return <rect x={cx - 3.5} y={cy - 3.5} width={7} height={7} fill={color} />;
  if (shape === 'triangle')
    return <path d={`M${cx},${cy - 4.5}L${cx + 4.5},${cy + 3.5}L${cx - 4.5},${cy + 3.5}Z`} fill={color} />;
  return <circle cx={cx} cy={cy} r={3.5} fill={color} />;
}

export function TimeChart({ data, xKey, series }: { data: Datum[]; xKey: string; series: SeriesDef[] }) {
  const hasRight = series.some((s) => s.right);
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={data} margin={{ top: 8, right: hasRight ? 0 : 12, bottom: 0, left: -12 }}>
        <CartesianGrid stroke="#e7e0d5" vertical={false} />
        <XAxis dataKey={xKey} tick={{ fontSize: 12, fill: '#5b5247' }} minTickGap={16} />
        <YAxis yAxisId="left" tick={{ fontSize: 12, fill: '#5b5247' }} allowDecimals={false} />
        {hasRight && <YAxis yAxisId="right" orientation="right" tick={{ fontSize: 12, fill: '#5b5247' }} />}
        <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
        <Legend />
        {series.map((s, i) => {
          const style = SERIES_STYLES[i % SERIES_STYLES.length]!;
          return (
            <Line
              key={s.key}
              yAxisId={s.right ? 'right' : 'left'}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={style.color}
              strokeWidth={2}
              strokeDasharray={style.dash}
              legendType={style.shape}
              dot={(p: { cx?: number; cy?: number; index?: number }) => (
                <Marker key={p.index} cx={p.cx} cy={p.cy} shape={style.shape} color={style.color} />
              )}
              // Suppressed periods are gaps, not zeros.
              connectNulls={false}
              isAnimationActive={false}
            />
          );
        })}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Bars per category; a second series is hatched so that it reads without colour. */
export function BarsChart({
  data,
  xKey,
  series,
  layout = 'horizontal',
}: {
  data: Datum[];
  xKey: string;
  series: SeriesDef[];
  layout?: 'horizontal' | 'vertical';
}) {
  const vertical = layout === 'vertical';
  return (
    <ResponsiveContainer width="100%" height={vertical ? Math.max(120, data.length * 44 + 40) : 240}>
      <BarChart
        data={data}
        layout={vertical ? 'vertical' : 'horizontal'}
        margin={{ top: 8, right: 12, bottom: 0, left: vertical ? 0 : -12 }}
      >
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#e3f1fa" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#0b5a8a" strokeWidth="3" />
          </pattern>
        </defs>
        <CartesianGrid stroke="#e7e0d5" horizontal={!vertical} vertical={vertical} />
        {vertical ? (
          <>
            <XAxis type="number" tick={{ fontSize: 12, fill: '#5b5247' }} />
            <YAxis type="category" dataKey={xKey} width={110} tick={{ fontSize: 12, fill: '#5b5247' }} />
          </>
        ) : (
          <>
            <XAxis dataKey={xKey} tick={{ fontSize: 12, fill: '#5b5247' }} interval={0} />
            <YAxis tick={{ fontSize: 12, fill: '#5b5247' }} />
          </>
        )}
        <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
        {series.length > 1 && <Legend />}
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={i === 1 ? 'url(#hatch)' : SERIES_STYLES[0].color}
            stroke={i === 1 ? '#0b5a8a' : undefined}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
