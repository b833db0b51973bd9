/**
 * Types of the API's requests and responses, derived from the routes' TypeBox schemas
 * (`Static<typeof …>`), for clients in this repository (the console, apps/web, its tests and
 * bench). Type-only: importing this file pulls in no server code.
 */
export type {
  MonthResponse,
  WeeklyResponse,
  MonthlyResponse,
  ProfileResponse,
  RepsResponse,
} from './routes/dashboard.ts';
export type { InboundDailyResponse, TargetCardResponse } from './routes/reads.ts';
export type {
  TargetsResponse,
  DailyPlanResponse,
  TargetEdit,
  HistoryResponse as TargetHistoryResponse,
  CsvResponse as TargetCsvResponse,
  TargetCsvError,
} from './routes/targets.ts';
export type { UploadAcceptedResponse } from './routes/upload.ts';
export type { UploadSummary, UploadDetail, UploadStatus } from './routes/uploads.ts';
export type { RowError, RowErrorsPage } from './routes/upload-errors.ts';
export type { MvRow, MvHistoryRow } from './routes/mv.ts';
export type { AuditEvent, AuditEventsPage } from './auth/routes.ts';
export type { AdminUser, UsersResponse, ApiKeysResponse } from './auth/admin-routes.ts';
export type { CsvType, Flavour } from './ingest/kinds.ts';
import type { Static } from '@fastify/type-provider-typebox';
import type { CustomerSalesReply as CustomerSalesReplySchema } from './routes/sales.ts';
export type CustomerSalesReply = Static<typeof CustomerSalesReplySchema>;
