export {
  writeDemoData,
  planDemoFiles,
  type WriteDemoDataOptions,
  type DemoManifest,
  type ManifestFile,
} from './write.ts';
export { receiveCsvStream, type ReceiveCsvStreamOptions } from './stream.ts';
export { loadScaledReceive, type LoadScaledReceiveOptions, type LoadScaledReceiveResult } from './scaled.ts';
export { DemoGenerator, type DayResult } from './generate.ts';
export {
  SHOGUN_HEADERS,
  CSV_KINDS,
  FLAVOURS,
  DEMO_ENCODINGS,
  headerLine,
  encodeText,
  weightField,
  slashDate,
  type CsvKind,
  type Flavour,
  type DemoEncoding,
} from './csv.ts';
export {
  makeCatalog,
  RECEIVE_ITEMS,
  SHIPMENT_ITEMS,
  YARD_ITEMS,
  SALES_REPS,
  type Item,
  type Vendor,
  type Catalog,
} from './catalog.ts';
export { Rng, hashSeed, WeightedPicker } from './prng.ts';
export * as volumeProfile from './profile.ts';
