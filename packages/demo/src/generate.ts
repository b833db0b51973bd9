/**
 * Day-by-day generation of Shogun CSV lines. Each (seed, kind, date) has its own PRNG stream, so a
 * day's content does not depend on which other days are generated; slip numbers are a running
 * counter per kind owned by the caller.
 */
import type { DayInfo } from './seed/dates.ts';
import {
  makeCatalog,
  RECEIVE_ITEMS,
  SHIPMENT_ITEMS,
  YARD_ITEMS,
  type Item,
  type Vendor,
  type VendorCategory,
} from './catalog.ts';
import { CRLF, csvField, plainNumber, slashDate, weightField, type CsvKind } from './csv.ts';
import { hashSeed, Rng, WeightedPicker } from './prng.ts';
import { expectedReceiveTons, isPlannedClosure, plannedWeekdayTons } from './profile.ts';
import { CSV_TYPE } from '@warehouse/db/kinds';

export { addDays, dayInfo, type DayInfo } from './seed/dates.ts';

/** Per kind: share of the day's received tons that this kind moves, and lines per slip weights. */
const KIND_SHAPE: Record<CsvKind, { tonShare: number; linesPerSlip: number[] }> = {
  receive: { tonShare: 1, linesPerSlip: [45, 25, 15, 10, 5] },
  shipment: { tonShare: 0.8, linesPerSlip: [75, 20, 5] },
  yard: { tonShare: 0.5, linesPerSlip: [40, 30, 20, 10] },
};

interface PreparedItem extends Item {
  nameField: string;
  index: number;
}
interface PreparedVendor extends Vendor {
  index: number;
  prefix: string; // `code,name`
  items: WeightedPicker<PreparedItem>;
}

export interface DayResult {
  rows: number;
  text: string;
  kg: number;
}

export class DemoGenerator {
  private readonly vendors: Record<Exclude<CsvKind, typeof CSV_TYPE.yard>, WeightedPicker<PreparedVendor>>;
  private readonly yardItems: WeightedPicker<PreparedItem>;
  private readonly linePickers: Record<CsvKind, WeightedPicker<number>>;

  constructor(readonly seed: string) {
    const catalog = makeCatalog(seed);
    const prep = (items: readonly Item[]) => items.map((it, index) => ({ ...it, index, nameField: csvField(it.name) }));
    const receiveItems = prep(RECEIVE_ITEMS);
    const shipmentItems = prep(SHIPMENT_ITEMS);
    const byCategory = new Map<string, WeightedPicker<PreparedItem>>();
    const pickerFor = (items: PreparedItem[], cat: VendorCategory) => {
      const key = `${items === receiveItems ? 'r' : 's'}:${cat}`;
      let p = byCategory.get(key);
      if (!p) {
        const usable = items.filter((it) => (it.by[cat] ?? 0) > 0);
        p = new WeightedPicker(usable, (it) => it.by[cat] ?? 0);
        byCategory.set(key, p);
      }
      return p;
    };
    const prepVendors = (vs: Vendor[], items: PreparedItem[]) =>
      vs.map((v, index) => ({
        ...v,
        index,
        prefix: `${v.code},${csvField(v.name)}`,
        items: pickerFor(items, v.category),
      }));
    this.vendors = {
      receive: new WeightedPicker(prepVendors(catalog.receiveVendors, receiveItems), (v) => v.weight),
      shipment: new WeightedPicker(prepVendors(catalog.shipmentVendors, shipmentItems), (v) => v.weight),
    };
    this.yardItems = new WeightedPicker(prep(YARD_ITEMS), (it) => it.by.trader ?? 0);
    this.linePickers = {
      receive: linePicker(KIND_SHAPE.receive.linesPerSlip),
      shipment: linePicker(KIND_SHAPE.shipment.linesPerSlip),
      yard: linePicker(KIND_SHAPE.yard.linesPerSlip),
    };
  }

  /** Tons of `kind` moved on a date (with day-level noise); small volumes on some Sundays/holidays. */
  dayTons(kind: CsvKind, day: DayInfo, rng: Rng): number {
    let tons = expectedReceiveTons(day.date, day.isoDow, day.businessDay);
    if (!day.businessDay && !isPlannedClosure(day.date) && rng.chance(0.3)) {
      // reserve days: a few customers are served on Sundays and holidays
      tons = 0.06 * plannedWeekdayTons(Number(day.date.slice(0, 4)), Number(day.date.slice(5, 7)));
    }
    return tons * KIND_SHAPE[kind].tonShare * Math.exp(0.1 * rng.normal());
  }

  /**
   * CSV lines (CRLF-terminated) of one date. `slipNo` is the first slip number to use; the
   * returned `slips` tells the caller how far to advance its counter.
   */
  day(
    kind: CsvKind,
    day: DayInfo,
    opts: { slipNo: number; grouped: boolean; scale?: number },
  ): DayResult & { slips: number } {
    const rng = new Rng(hashSeed(this.seed, kind, day.date));
    const targetKg = this.dayTons(kind, day, rng) * 1000 * (opts.scale ?? 1);
    const dateField = slashDate(day.date);
    const year = Number(day.date.slice(0, 4));
    let text = '';
    let kg = 0;
    let rows = 0;
    let slip = opts.slipNo;
    const chosen: PreparedItem[] = [];
    while (kg < targetKg) {
      const vendor = kind === CSV_TYPE.yard ? undefined : this.vendors[kind].pick(rng);
      const picker = vendor ? vendor.items : this.yardItems;
      const lines = this.linePickers[kind].pick(rng);
      chosen.length = 0;
      for (let attempt = 0; chosen.length < lines && attempt < lines * 4; attempt++) {
        const it = picker.pick(rng);
        if (!chosen.includes(it)) chosen.push(it);
      }
      const slipField = String(slip);
      for (let l = 0; l < chosen.length; l++) {
        const it = chosen[l] as PreparedItem;
        const line = makeLine(it, rng);
        kg += line.kg;
        rows++;
        const weight = weightField(line.kg, opts.grouped);
        if (kind === CSV_TYPE.yard) {
          text += `${dateField},${slipField},${l + 1},${it.code},${it.nameField},${weight},${line.qty},${it.unitName}${CRLF}`;
        } else {
          const v = vendor as PreparedVendor;
          const price = this.contractPrice(v, it, year);
          const amount = Math.round(line.qtyValue * price);
          text += `${dateField},${slipField},${l + 1},${v.prefix},${it.code},${it.nameField},${weight},${line.qty},${it.unitName},${plainNumber(price, 2)},${amount}`;
          text += kind === CSV_TYPE.shipment ? `,${v.salesRep ?? ''}${CRLF}` : CRLF;
        }
      }
      slip++;
    }
    return { rows, text, kg, slips: slip - opts.slipNo };
  }

  private readonly prices = new Map<number, number>();
  /** The contract price of an item for a vendor in a year (stable; rises slowly with the years). */
  private contractPrice(v: PreparedVendor, it: PreparedItem, year: number): number {
    // receive and shipment vendors share index ranges; the last bit (has a sales rep) tells them apart
    const key = ((v.index * 64 + it.index) * 512 + (year - 1900)) * 2 + (v.salesRep === undefined ? 0 : 1);
    let p = this.prices.get(key);
    if (p === undefined) {
      const [lo, hi] = it.price;
      const base = lo + (hashSeed(this.seed, v.code, it.code) / 4294967296) * (hi - lo);
      const raw = base * Math.pow(1.02, year - 2020);
      p = raw >= 1000 ? Math.round(raw / 100) * 100 : raw >= 100 ? Math.round(raw / 10) * 10 : Math.round(raw * 2) / 2;
      this.prices.set(key, p);
    }
    return p;
  }
}

function linePicker(weights: number[]): WeightedPicker<number> {
  return new WeightedPicker(
    weights.map((_, i) => i + 1),
    (_n, i) => weights[i] as number,
  );
}

/** One line's weight and quantity, rounded the way a truck scale and a clerk would. */
function makeLine(it: Item, rng: Rng): { kg: number; qty: string; qtyValue: number } {
  let kg = Math.min(it.medianKg * 12, rng.logNormal(it.medianKg, it.sigma));
  if (it.unitKind === 'count') {
    const per = it.density ?? 1;
    const n = Math.max(1, Math.round(kg / per));
    kg = Math.round(n * per * rng.uniform(0.9, 1.1) * 10) / 10;
    return { kg: Math.max(0.1, kg), qty: String(n), qtyValue: n };
  }
  kg = kg >= 1000 ? Math.round(kg / 10) * 10 : kg >= 100 ? Math.round(kg) : Math.max(0.5, Math.round(kg * 2) / 2);
  switch (it.unitKind) {
    case 'kg':
      return { kg, qty: plainNumber(kg, 1), qtyValue: kg };
    case 't': {
      const t = Math.round(kg) / 1000;
      return { kg, qty: plainNumber(t, 3), qtyValue: t };
    }
    case 'm3': {
      const m3 = Math.max(0.1, Math.round((kg / 1000 / (it.density ?? 1)) * 10) / 10);
      return { kg, qty: plainNumber(m3, 1), qtyValue: m3 };
    }
  }
}
