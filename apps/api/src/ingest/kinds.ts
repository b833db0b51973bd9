/**
 * The Shogun CSV kinds as the API uses them: a re-export of the contract in `@warehouse/db/kinds`
 * (kinds, flavours, exact Japanese headers, raw/stg columns and types, table names). Nothing is
 * defined here; add or change a kind there.
 */
export {
  CSV_TYPES,
  FLAVOURS,
  KINDS,
  rawTable,
  stgTable,
  isCsvType,
  isFlavour,
  headerProblem,
  type CsvType,
  type Flavour,
  type ColumnType,
  type ColumnSpec,
} from '@warehouse/db/kinds';
