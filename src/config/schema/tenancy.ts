/**
 * `event_store.tenancy` (issue 20 item 1): many tenants in one store. "conjoined" puts a
 * tenant_id on every row and lets PostgreSQL row-level security keep tenants apart
 * (src/tenancy); without the key the store serves one tenant, as before.
 */
import { z } from 'zod';

export const tenancySchema = z
  .strictObject({
    mode: z
      .enum(['single', 'conjoined'])
      .default('single')
      .describe(
        '"conjoined": every tenant in the same tables, kept apart by a tenant_id and row-level security (PostgreSQL only); "single" (the default): one tenant',
      ),
  })
  .describe('multi-tenancy of the store; the tenant of a request comes from its principal (the JWT tenant claim)');

export type TenancyConfig = z.infer<typeof tenancySchema>;
