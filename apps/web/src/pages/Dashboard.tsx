import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  api,
  download,
  type CustomerSalesReply,
  type MonthResponse,
  type MonthlyResponse,
  type ProfileResponse,
  type RepsResponse,
  type WeeklyResponse,
} from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { Chart } from '../components/Chart.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

const pad = (n: number) => String(n).padStart(2, '0');
const thisMonth = () => {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
};
const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
};

function Card({
  title,
  actual,
  target,
  testId,
}: {
  title: string;
  actual: number | null | undefined;
  target: number | null | undefined;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div className="card" data-testid={testId}>
      <div className="muted">{title}</div>
      <div className="big" data-testid={`${testId}-actual`}>
        {fmt.ton(actual)} {t('unit_ton')}
      </div>
      <div>
        {t('target')} {fmt.ton(target)} {t('unit_ton')} · {t('achievement')}{' '}
        <strong>{fmt.pct(actual != null && target ? actual / target : null)}</strong>
      </div>
    </div>
  );
}

/** The month's daily receipts against target, week/month to date, the 5-year profile, weekly/monthly totals, shipments per rep. */
export function DashboardPage() {
  const { t } = useI18n();
  const [month, setMonth] = useState(() => sessionStorage.getItem('dashMonth') ?? thisMonth());
  const year = Number(month.slice(0, 4));
  const from = `${month}-01`;
  const to = lastDay(month);
  const monthQ = useQuery({
    queryKey: ['dashboard', 'month', month],
    queryFn: () => api<MonthResponse>(`/dashboard/month?month=${month}`),
  });
  const profileQ = useQuery({
    queryKey: ['dashboard', 'profile', year],
    queryFn: () => api<ProfileResponse>(`/dashboard/profile?year=${year}`),
  });
  // Weeks are listed by their Monday: start 6 days early so the week holding the 1st is included.
  const weekFrom = new Date(Date.parse(`${from}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  const weeklyQ = useQuery({
    queryKey: ['dashboard', 'weekly', month],
    queryFn: () => api<WeeklyResponse>(`/dashboard/weekly?from=${weekFrom}&to=${to}`),
  });
  const monthlyQ = useQuery({
    queryKey: ['dashboard', 'monthly', year],
    queryFn: () => api<MonthlyResponse>(`/dashboard/monthly?from=${year}-01-01&to=${year}-12-31`),
  });
  const repsQ = useQuery({
    queryKey: ['dashboard', 'reps', month],
    queryFn: () => api<RepsResponse>(`/dashboard/shipments-by-rep?from=${from}&to=${to}`),
  });

  const salesQ = useQuery({
    queryKey: ['dashboard', 'sales', month],
    queryFn: () => api<CustomerSalesReply>(`/sales/customers/daily?from=${from}&to=${to}`),
  });
  const customers = useMemo(() => {
    const by = new Map<string, { name: string; ton: number; yen: number; slips: number }>();
    for (const r of salesQ.data?.rows ?? []) {
      const c = by.get(r.customerCd) ?? { name: r.customerName ?? r.customerCd, ton: 0, yen: 0, slips: 0 };
      c.ton += r.netTon;
      c.yen += r.amountYen;
      c.slips += r.slipCount;
      by.set(r.customerCd, c);
    }
    return [...by.values()].sort((a, b) => b.yen - a.yen).slice(0, 10);
  }, [salesQ.data]);

  const days = monthQ.data?.days ?? [];
  // The latest day with receipts; none yet (a month just begun, or ahead): no date and no figures,
  // rather than the month's last day (a future date) with the whole month's target.
  const latest = [...days].reverse().find((d) => d.actualTon != null && d.actualTon > 0);
  const lastYear = monthQ.data?.lastYear;
  const lastYearByDay = new Map((lastYear?.days ?? []).map((d) => [d.date.slice(8), d.receiveNetTon]));
  const dailyOption = useMemo(
    () => ({
      grid: { left: 55, right: 15, top: 35, bottom: 30 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: days.map((d) => d.date.slice(8)) },
      yAxis: { type: 'value', name: t('unit_ton') },
      series: [
        { type: 'bar', name: t('actual'), data: days.map((d) => d.actualTon), itemStyle: { color: '#2563eb' } },
        {
          type: 'line',
          name: `${t('lastYear')} (${lastYear?.month ?? ''})`,
          data: days.map((d) => lastYearByDay.get(d.date.slice(8)) ?? null),
          symbol: 'emptyCircle',
          symbolSize: 4,
          lineStyle: { color: '#6b7280', type: 'dashed' },
          itemStyle: { color: '#6b7280' },
        },
        {
          type: 'line',
          name: t('target'),
          data: days.map((d) => d.targetTon),
          step: 'middle',
          symbol: 'none',
          lineStyle: { color: '#dc2626', width: 2 },
          itemStyle: { color: '#dc2626' },
        },
      ],
    }),
    [days, t, lastYear, lastYearByDay],
  );
  const weeks = profileQ.data?.weeks ?? [];
  const profileOption = useMemo(
    () => ({
      grid: { left: 55, right: 15, top: 35, bottom: 30 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('avg5y'), t('thisYear'), t('partialWeek')] },
      xAxis: { type: 'category', data: weeks.map((w) => w.isoWeek) },
      yAxis: { type: 'value', name: t('unit_ton') },
      series: [
        // the ± band: a transparent lower edge, then the band's height stacked on it
        {
          type: 'line',
          name: 'lo',
          stack: 'band',
          data: weeks.map((w) => (w.avgTon == null ? null : Math.max(0, w.avgTon - (w.stddevTon ?? 0)))),
          lineStyle: { opacity: 0 },
          symbol: 'none',
          tooltip: { show: false },
        },
        {
          type: 'line',
          name: 'band',
          stack: 'band',
          data: weeks.map((w) =>
            w.avgTon == null ? null : w.avgTon + (w.stddevTon ?? 0) - Math.max(0, w.avgTon - (w.stddevTon ?? 0)),
          ),
          lineStyle: { opacity: 0 },
          areaStyle: { color: '#93c5fd', opacity: 0.5 },
          symbol: 'none',
          tooltip: { show: false },
        },
        {
          type: 'line',
          name: t('avg5y'),
          data: weeks.map((w) => w.avgTon),
          symbol: 'none',
          lineStyle: { color: '#1d4ed8' },
          itemStyle: { color: '#1d4ed8' },
        },
        {
          type: 'line',
          name: t('thisYear'),
          // A week still being filled is drawn apart (hollow, labelled), not as a collapse of the line.
          data: weeks.map((w) => (w.thisYearPartial ? null : w.thisYearTon)),
          symbol: 'circle',
          symbolSize: 4,
          lineStyle: { color: '#ea580c' },
          itemStyle: { color: '#ea580c' },
        },
        {
          type: 'scatter',
          name: t('partialWeek'),
          data: weeks.map((w) => (w.thisYearPartial ? w.thisYearTon : null)),
          symbol: 'emptyCircle',
          symbolSize: 9,
          itemStyle: { color: '#ea580c' },
          label: { show: true, position: 'top', formatter: t('partialWeek'), color: '#9a3412' },
        },
      ],
    }),
    [weeks, t],
  );
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const saveExcel = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      await download(`/dashboard/export.xlsx?month=${month}`, `受入ダッシュボード_${month}.xlsx`);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  // The printed report's time: when the print dialog opens (or the page was drawn, before any print).
  const [printedAt, setPrintedAt] = useState(() => new Date());
  useEffect(() => {
    const stamp = () => setPrintedAt(new Date());
    window.addEventListener('beforeprint', stamp);
    return () => window.removeEventListener('beforeprint', stamp);
  }, []);
  return (
    <>
      <h1 className="no-print">{t('navDashboard')}</h1>
      <div className="print-only print-title" data-testid="print-title">
        <strong>
          {t('reportTitle')} {month}
        </strong>
        <span>
          {latest ? t('dataUntil').replace('{date}', fmt.date(latest.date)) : t('noReceiptsYet')} · {t('printedAt')}{' '}
          {fmt.minute(printedAt)}
        </span>
      </div>
      <div className="row panel no-print">
        <label>
          {t('month')}
          <input
            type="month"
            value={month}
            data-testid="month-input"
            onChange={(e) => {
              if (!/^\d{4}-\d{2}$/.test(e.target.value)) return;
              sessionStorage.setItem('dashMonth', e.target.value);
              setMonth(e.target.value);
            }}
          />
        </label>
        <button type="button" data-testid="save-excel" onClick={() => void saveExcel()} disabled={saving}>
          {saving ? t('saving') : t('saveExcel')}
        </button>
        <button type="button" data-testid="print" onClick={() => window.print()}>
          {t('print')}
        </button>
        {saveError != null && (
          <span className="error" role="alert">
            <ErrorMessage error={saveError} />
          </span>
        )}
      </div>
      {monthQ.isError && (
        <p className="error" role="alert">
          <ErrorMessage error={monthQ.error} />
        </p>
      )}
      <div className="cards">
        <div className="card" data-testid="month-target">
          <div className="muted">
            {t('monthTarget')} · {month}
          </div>
          <div className="big" data-testid="month-target-ton">
            {fmt.ton(days.length ? days.reduce((a, d) => a + (d.targetTon ?? 0), 0) : null)} {t('unit_ton')}
          </div>
        </div>
        <Card
          title={`${t('mtd')} · ${latest ? fmt.date(latest.date) : t('noReceiptsYet')}`}
          actual={latest ? latest.mtdActualTon : days.length ? 0 : null}
          target={latest?.mtdTargetTon}
          testId="mtd"
        />
        <Card
          title={`${t('wtd')} · ${latest ? fmt.date(latest.date) : t('noReceiptsYet')}`}
          actual={latest ? latest.wtdActualTon : days.length ? 0 : null}
          target={latest?.wtdTargetTon}
          testId="wtd"
        />
      </div>
      <section className="panel">
        <h2>{t('dailyVsTarget')}</h2>
        {days.length ? (
          <Chart option={dailyOption} label={`${t('dailyVsTarget')} ${month}`} testId="daily-chart" />
        ) : (
          <p className="muted">{monthQ.isPending ? t('loading') : t('noData')}</p>
        )}
      </section>
      <section className="panel">
        <h2>{t('profile5y')}</h2>
        {profileQ.isError && (
          <p className="error">
            <ErrorMessage error={profileQ.error} />
          </p>
        )}
        {weeks.length > 0 && (
          <Chart option={profileOption} label={t('profile5y')} testId="profile-chart" height={260} />
        )}
      </section>
      <div className="cards tables">
        <section className="panel">
          <h2>{t('weeklyTotals')}</h2>
          <Table
            head={[t('week'), t('tons'), t('slips'), t('amount')]}
            rows={(weeklyQ.data?.weeks ?? []).map((w) => [
              `${w.isoYear}-W${pad(w.isoWeek)} (${fmt.date(w.weekStart)})`,
              fmt.tonCol(w.receiveNetTon),
              fmt.int(w.slipCount),
              fmt.yen(w.amountYen),
            ])}
          />
        </section>
        <section className="panel">
          <h2>{t('monthlyTotals')}</h2>
          <Table
            head={[t('month'), t('tons'), t('lastYear'), t('lastYearDelta'), t('lastYearPct'), t('slips'), t('amount')]}
            testId="monthly-totals"
            rows={(monthlyQ.data?.months ?? []).map((m) => [
              m.month,
              fmt.tonCol(m.receiveNetTon),
              fmt.tonCol(m.lastYearTon),
              fmt.tonDelta(m.lastYearTon == null || m.receiveNetTon == null ? null : m.receiveNetTon - m.lastYearTon),
              fmt.pct(m.lastYearTon && m.receiveNetTon != null ? m.receiveNetTon / m.lastYearTon : null),
              fmt.int(m.slipCount),
              fmt.yen(m.amountYen),
            ])}
          />
        </section>
        <section className="panel">
          <h2>{t('byRep')}</h2>
          <Table
            head={[t('salesRep'), t('tons'), t('slips'), t('amount')]}
            rows={(repsQ.data?.reps ?? []).map((r) => [
              r.salesRep || '—',
              fmt.tonCol(r.shipmentNetTon),
              fmt.int(r.slipCount),
              fmt.yen(r.amountYen),
            ])}
          />
        </section>
        <section className="panel">
          <h2>{t('customerSales')}</h2>
          <Table
            head={[t('customer'), t('tons'), t('slips'), t('amount')]}
            rows={customers.map((c) => [c.name || '—', fmt.tonCol(c.ton), fmt.int(c.slips), fmt.yen(c.yen)])}
          />
        </section>
      </div>
    </>
  );
}

function Table({ head, rows, testId }: { head: string[]; rows: string[][]; testId?: string }) {
  const { t } = useI18n();
  if (!rows.length) return <p className="muted">{t('noData')}</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table data-testid={testId}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} className={i ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={j ? 'num' : undefined}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
