import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.ts';
import { checkRange, DayRange, errorResponses } from '../schemas.ts';
import { readCustomerSalesDaily } from '../reads/dashboard.ts';

/** Longest period one request may ask for (a year of days × customers stays a small answer). */
export const MAX_SALES_DAYS = 366;

export const CustomerSalesQuery = Type.Object(
  {
    ...DayRange(MAX_SALES_DAYS),
    customer: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'customer code (業者CD); all customers when absent' }),
    ),
  },
  { additionalProperties: false },
);

export const CustomerSalesRow = Type.Object({
  ddate: Type.String({ description: 'slip date, YYYY-MM-DD' }),
  customerCd: Type.String({ description: "業者CD ('' for lines without one)" }),
  customerName: Type.Union([Type.String(), Type.Null()]),
  netTon: Type.Number(),
  amountYen: Type.Number(),
  itemCount: Type.Integer({ description: 'distinct items sold that day' }),
  slipCount: Type.Integer({ description: 'distinct slips that day' }),
});

export const CustomerSalesReply = Type.Object({ rows: Type.Array(CustomerSalesRow) });

/** GET /sales/customers/daily — sales per date and customer from mart.v_customer_sales_daily. */
export function salesRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/sales/customers/daily',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'sales per date and customer (current shipment rows, final wins over flash)',
        querystring: CustomerSalesQuery,
        response: { 200: CustomerSalesReply, ...errorResponses },
      },
    },
    async (req): Promise<Static<typeof CustomerSalesReply>> => {
      const { from, to, customer } = req.query;
      checkRange(from, to, MAX_SALES_DAYS);
      const rows = await readCustomerSalesDaily(ctx.pool, from, to, customer);
      return { rows };
    },
  );
}
