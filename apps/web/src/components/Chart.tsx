import { useEffect, useRef } from 'react';
import type * as EchartsCore from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';

type Echarts = typeof EchartsCore;
let loading: Promise<Echarts> | undefined;
const loadEcharts = () => (loading ??= import('./echarts.ts').then((m) => m.echarts));

/**
 * One chart. `label` is the accessible name (role="img"); the drawn chart sets data-drawn="true"
 * (the end-to-end tests and bench:web wait for it).
 */
export function Chart({
  option,
  label,
  height = 320,
  testId,
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
  testId?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<Echarts['init']> | undefined>(undefined);
  useEffect(() => {
    let disposed = false;
    let ro: ResizeObserver | undefined;
    void loadEcharts().then((echarts) => {
      if (disposed || !el.current) return;
      const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
      chart.current = c;
      c.on('finished', () => {
        if (!el.current) return;
        // The first chart drawn on this page load: bench:web reads this mark (ms since navigation).
        if (!performance.getEntriesByName('chart-drawn').length) performance.mark('chart-drawn');
        el.current.setAttribute('data-drawn', 'true');
      });
      c.setOption({ aria: { enabled: true }, animation: false, ...option }, true);
      ro = new ResizeObserver(() => c.resize());
      ro.observe(el.current);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
    // Mount-only: the option is applied by the effect below.
  }, []);
  useEffect(() => {
    el.current?.setAttribute('data-drawn', 'false');
    chart.current?.setOption({ aria: { enabled: true }, animation: false, ...option }, true);
  }, [option]);
  return (
    <div
      ref={el}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-drawn="false"
      className="chart"
      style={{ width: '100%', height }}
    />
  );
}
