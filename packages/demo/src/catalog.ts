/**
 * Vendors, items, units and sales reps for the demo CSVs. Names are realistic Japanese names of a
 * waste-management business, restricted to characters CP932 can encode (checked by a test).
 */
import { Rng } from './prng.ts';

/** How a line's quantity relates to its weight. */
export type UnitKind = 'kg' | 't' | 'm3' | 'count';

export interface Item {
  code: string;
  name: string;
  unitKind: UnitKind;
  unitName: string;
  /** Unit price range in yen per unit. */
  price: [number, number];
  /** Median net weight of one line in kg, and log-normal spread. */
  medianKg: number;
  sigma: number;
  /** t per m3 for volume-priced items, kg per piece for counted items. */
  density?: number;
  /** Vendor categories that bring / buy this item, with relative weights. */
  by: Partial<Record<VendorCategory, number>>;
}

export type VendorCategory =
  | 'demolition'
  | 'contractor'
  | 'builder'
  | 'manufacturer'
  | 'equipment'
  | 'trader'
  | 'steel'
  | 'paper'
  | 'energy'
  | 'cement'
  | 'landfill';

export interface Vendor {
  code: string;
  name: string;
  category: VendorCategory;
  /** Relative share of the slips (Zipf-like: a few large customers). */
  weight: number;
  salesRep?: string;
}

const item = (
  code: string,
  name: string,
  unitKind: UnitKind,
  unitName: string,
  price: [number, number],
  medianKg: number,
  sigma: number,
  by: Item['by'],
  density?: number,
): Item => ({
  code,
  name,
  unitKind,
  unitName,
  price,
  medianKg,
  sigma,
  by,
  ...(density === undefined ? {} : { density }),
});

export const RECEIVE_ITEMS: readonly Item[] = [
  item('0101', 'がれき類（コンクリートがら）', 't', 't', [2500, 4500], 2900, 0.45, {
    demolition: 10,
    contractor: 8,
    builder: 1,
  }),
  item('0102', 'がれき類（アスファルトがら）', 't', 't', [2000, 3800], 2600, 0.45, { contractor: 7, demolition: 2 }),
  item('0201', '木くず', 'kg', 'kg', [12, 20], 850, 0.6, { demolition: 6, builder: 8, contractor: 3, manufacturer: 1 }),
  item('0202', '木くず（伐採材・抜根）', 'kg', 'kg', [8, 15], 1400, 0.5, { contractor: 3, demolition: 1 }),
  item('0301', '廃プラスチック類', 'kg', 'kg', [35, 55], 320, 0.7, {
    manufacturer: 9,
    builder: 3,
    equipment: 4,
    trader: 4,
    demolition: 2,
  }),
  item(
    '0302',
    '廃プラスチック類（混合）',
    'm3',
    'm3',
    [4500, 7000],
    450,
    0.6,
    { demolition: 3, builder: 3, trader: 2 },
    0.15,
  ),
  item('0401', '金属くず', 'kg', 'kg', [2, 6], 550, 0.7, { equipment: 8, demolition: 4, manufacturer: 4 }),
  item('0501', '汚泥', 'kg', 'kg', [25, 40], 1900, 0.5, { manufacturer: 5, contractor: 5 }),
  item('0601', 'ガラスくず・コンクリートくず及び陶磁器くず', 'kg', 'kg', [15, 25], 750, 0.6, {
    demolition: 3,
    builder: 2,
    equipment: 1,
  }),
  item('0701', '紙くず', 'kg', 'kg', [15, 25], 280, 0.6, { builder: 3, demolition: 1, trader: 2 }),
  item('0702', '繊維くず', 'kg', 'kg', [30, 45], 180, 0.6, { manufacturer: 1, demolition: 1, trader: 1 }),
  item(
    '0801',
    '建設混合廃棄物',
    'm3',
    'm3',
    [8000, 14000],
    750,
    0.55,
    { demolition: 8, builder: 7, contractor: 4, equipment: 2 },
    0.25,
  ),
  item('0802', '廃石膏ボード', 'kg', 'kg', [20, 30], 850, 0.5, { builder: 5, demolition: 4 }),
  item('0901', '廃タイヤ', 'count', '本', [300, 600], 160, 0.7, { trader: 2, equipment: 1 }, 8),
  item('0902', '廃家電', 'count', '台', [1500, 4000], 120, 0.8, { trader: 2, demolition: 1 }, 40),
  item('0903', '蛍光管', 'count', '本', [40, 80], 15, 0.6, { equipment: 2, builder: 1 }, 0.3),
  item('1001', '廃油', 'kg', 'kg', [20, 40], 380, 0.6, { manufacturer: 2, equipment: 1 }),
  item('1101', '燃え殻', 'kg', 'kg', [20, 30], 1400, 0.5, { manufacturer: 1 }),
];

export const SHIPMENT_ITEMS: readonly Item[] = [
  item('5001', '鉄スクラップ（H2）', 'kg', 'kg', [35, 55], 7500, 0.35, { steel: 10 }),
  item('5002', '非鉄金属（銅）', 'kg', 'kg', [900, 1250], 300, 0.6, { steel: 3 }),
  item('5003', 'アルミ', 'kg', 'kg', [150, 230], 500, 0.6, { steel: 3 }),
  item('5101', '再生砕石（RC-40）', 't', 't', [500, 1200], 9000, 0.3, { cement: 2, landfill: 1 }),
  item('5201', '木材チップ', 't', 't', [1000, 3000], 8000, 0.3, { energy: 10 }),
  item('5301', 'RPF', 't', 't', [1000, 2500], 9000, 0.3, { cement: 6, paper: 4 }),
  item('5401', '古紙（段ボール）', 'kg', 'kg', [8, 15], 2000, 0.5, { paper: 6 }),
  item('5901', '選別残渣（管理型）', 't', 't', [18000, 25000], 9500, 0.3, { landfill: 8 }),
  item('5902', '脱水汚泥', 't', 't', [15000, 22000], 8000, 0.3, { landfill: 3, cement: 2 }),
];

export const YARD_ITEMS: readonly Item[] = [
  item('7001', '破砕木くず', 'kg', 'kg', [0, 0], 2400, 0.5, { trader: 8 }),
  item('7002', '選別廃プラ', 'kg', 'kg', [0, 0], 900, 0.6, { trader: 6 }),
  item('7003', '選別金属くず', 'kg', 'kg', [0, 0], 700, 0.6, { trader: 4 }),
  item('7004', '再生砕石', 'm3', 'm3', [0, 0], 6000, 0.4, { trader: 6 }, 1.6),
  item('7005', '選別残渣', 'kg', 'kg', [0, 0], 1800, 0.5, { trader: 5 }),
  item('7006', 'RPF原料', 'kg', 'kg', [0, 0], 1200, 0.5, { trader: 3 }),
  item('7007', '石膏粉', 't', 't', [0, 0], 1500, 0.5, { trader: 2 }),
];

export const SALES_REPS = [
  '田中　誠',
  '佐々木　健太',
  '山本　由美',
  '中川　大輔',
  '小野　翔',
  '石井　恵',
  '村田　浩二',
  '森本　彩',
] as const;

const STEMS = [
  '山田',
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山本',
  '松本',
  '井上',
  '木村',
  '清水',
  '山口',
  '池田',
  '橋本',
  '石川',
  '前田',
  '藤田',
  '岡田',
  '後藤',
  '長谷川',
  '村上',
  '近藤',
  '坂本',
  '遠藤',
  '青木',
  '西村',
  '福田',
  '太田',
  '三浦',
  '藤井',
  '岡本',
  '松田',
  '中島',
  '東和',
  '大和',
  '三協',
  '関東',
  '丸栄',
  '富士',
  '中央',
  '青葉',
  '栄和',
  '東亜',
  '北斗',
  '明和',
  '共栄',
  '協和',
  '大成',
  '誠和',
  '光陽',
  '旭',
  '武蔵野',
  '相模',
  '湘南',
  '多摩',
];

const SUFFIXES: Record<VendorCategory, readonly string[]> = {
  demolition: ['解体', '解体工業', '興業', '解体工事'],
  contractor: ['建設', '組', '建設工業', '土木', '建設興業'],
  builder: ['工務店', '住宅', 'ハウス', '建築'],
  manufacturer: ['工業', '製作所', '化成', '産業', '精工'],
  equipment: ['設備', '電設', '設備工業', '空調'],
  trader: ['商事', '運輸', '環境サービス', 'リサイクル'],
  steel: ['製鋼', '金属', '非鉄'],
  paper: ['製紙', '紙業'],
  energy: ['バイオマス発電', 'グリーンエナジー'],
  cement: ['セメント', '資源化センター'],
  landfill: ['クリーンセンター', '環境整備', '最終処分場'],
};

function corporateName(rng: Rng, stem: string, suffix: string): string {
  const r = rng.next();
  if (suffix === '組') return `${stem}組`;
  if (r < 0.45) return `株式会社${stem}${suffix}`;
  if (r < 0.75) return `${stem}${suffix}株式会社`;
  if (r < 0.88) return `（株）${stem}${suffix}`;
  return `有限会社${stem}${suffix}`;
}

function makeVendors(
  seed: string,
  plan: Array<[VendorCategory, number]>,
  codeBase: number,
  withRep: boolean,
): Vendor[] {
  const rng = new Rng(`vendors:${seed}:${codeBase}`);
  const used = new Set<string>();
  const vendors: Vendor[] = [];
  for (const [category, n] of plan) {
    for (let i = 0; i < n; i++) {
      let name: string;
      do {
        name = corporateName(rng, rng.pick(STEMS), rng.pick(SUFFIXES[category]));
      } while (used.has(name));
      used.add(name);
      vendors.push({ code: '', name, category, weight: 0, ...(withRep ? { salesRep: rng.pick(SALES_REPS) } : {}) });
    }
  }
  // Shuffle so codes and popularity do not follow the category order.
  for (let i = vendors.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [vendors[i], vendors[j]] = [vendors[j] as Vendor, vendors[i] as Vendor];
  }
  let code = codeBase;
  vendors.forEach((v, rank) => {
    code += rng.int(1, 9);
    v.code = String(code).padStart(6, '0'); // leading zeros: codes are text, not numbers
    v.weight = 1 / Math.pow(rank + 1, 0.85);
  });
  return vendors;
}

export interface Catalog {
  receiveVendors: Vendor[];
  shipmentVendors: Vendor[];
}

/** The vendor lists for a seed (stable for the seed, different across seeds). */
export function makeCatalog(seed: string): Catalog {
  return {
    receiveVendors: makeVendors(
      seed,
      [
        ['demolition', 30],
        ['contractor', 40],
        ['builder', 35],
        ['manufacturer', 25],
        ['equipment', 15],
        ['trader', 15],
      ],
      1000,
      false,
    ),
    shipmentVendors: makeVendors(
      seed,
      [
        ['steel', 6],
        ['paper', 3],
        ['energy', 3],
        ['cement', 3],
        ['landfill', 4],
      ],
      80000,
      true,
    ),
  };
}
