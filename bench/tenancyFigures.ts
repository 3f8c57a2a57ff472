/**
 * The cost of row-level security (issue 20 item 4): the `http_64` workload against four
 * `tusk-es serve` processes on the same PostgreSQL, each on its own database owned by an app
 * role (no superuser, no BYPASSRLS: a superuser would skip the policies and measure nothing):
 *   - `single`: the plain store, no auth (what `http_64` measures);
 *   - `jwt`: the plain store, every request with an HS256 JWT (no tenant claim);
 *   - `conjoined`: `tenancy = { mode = "conjoined" }`, every request with a JWT naming one of
 *     8 tenants (client c is tenant c mod 8), so every statement runs under `tusk.tenant` and
 *     the tables' policies.
 *   - `one_tenant`: the same conjoined store, every JWT of one tenant (group commit batches one
 *     tenant's appends per transaction, so 8 tenants split the batches: this separates the two).
 * Measured in rounds of one run each (a warm-up round, then 3), the order rotated every round,
 * so the four see the same machine. `rls_cost` is 1 - conjoined/jwt of each round (what
 * tenancy adds beyond verifying a token), `tenancy_cost` 1 - conjoined/single. The server's CPU
 * time per command is measured too: on a shared machine it moves less than a rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { createAppDatabase } from '../test/support/postgres.js';
import type { BenchContext } from './BenchContext.js';
import { checked, runLoad, type LoadRequest } from './httpLoad.js';
import { appFile, distinctStreams } from './httpFigures.js';
import { serverNodeArgs, startServe, type ServerProcess } from './ServerProcess.js';

const SECRET = 'the-tenancy-bench-secret-of-32-characters-or-more';
const TENANTS = 8;

type Setup = 'single' | 'jwt' | 'conjoined' | 'one_tenant';

/** The bench app of `http_64` on `pgUrl`, with JWT auth (`jwt`), and conjoined tenancy too. */
function tenancyApp(pgUrl: string, setup: Setup): string {
  const plain = appFile(pgUrl);
  if (setup === 'single') return plain;
  const tenants = setup === 'conjoined' || setup === 'one_tenant';
  const tenantClaim = tenants ? ', tenant_claim = "tenant"' : '';
  const withAuth = plain.replace(
    'server = { log_level = "warn" }',
    `server = { log_level = "warn", auth = { jwt = { secret = "${SECRET}"${tenantClaim} } } }`,
  );
  const store = `connection = "${pgUrl}" }`;
  const app = tenants ? withAuth.replace(store, `connection = "${pgUrl}", tenancy = { mode = "conjoined" } }`) : withAuth;
  if (app === plain || (tenants && !app.includes('conjoined')))
    throw new Error('the http_64 app changed shape: tenancyApp cannot add auth and tenancy to it');
  return app;
}

/** An `authorization` header line with a JWT of every scope (and `tenant`, when given). */
async function authorization(tenant?: string): Promise<string> {
  const token = await new SignJWT({ scope: '*', ...(tenant === undefined ? {} : { tenant }) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('6h')
    .sign(new TextEncoder().encode(SECRET));
  return `authorization: Bearer ${token}\r\n`;
}

/** The tenancy figures: three servers on three fresh app databases. */
export async function tenancyFigures(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-bench-'));
  const setups: Setup[] = ['single', 'jwt', 'conjoined', 'one_tenant'];
  const servers = new Map<Setup, ServerProcess>();
  const jwtHeader = await authorization();
  const tenantHeaders = await Promise.all(Array.from({ length: TENANTS }, (_, t) => authorization(`tenant-${t}`)));
  const headersOf: Record<Setup, (client: number) => string | undefined> = {
    single: () => undefined,
    jwt: () => jwtHeader,
    conjoined: (client) => tenantHeaders[client % TENANTS],
    one_tenant: () => tenantHeaders[0],
  };
  try {
    for (const setup of setups) {
      const file = join(dir, `${setup}.tsk`);
      writeFileSync(file, tenancyApp(await createAppDatabase(ctx.pgUrl), setup));
      servers.set(setup, await startServe(file, serverNodeArgs()));
    }
    let run = 0;
    const rates: Record<Setup, number[]> = { single: [], jwt: [], conjoined: [], one_tenant: [] };
    const cpu: Record<Setup, number[]> = { single: [], jwt: [], conjoined: [], one_tenant: [] };
    const measure = async (setup: Setup) => {
      const server = servers.get(setup)!;
      const streams = distinctStreams(`r${run++}`);
      const headers = headersOf[setup];
      const next = (client: number, i: number): LoadRequest => {
        const request = streams(client, i);
        const header = headers(client);
        return header === undefined ? request : { ...request, headers: header };
      };
      const before = server.cpuSeconds();
      const rate = checked(await runLoad(server.url, 64, ctx.runSeconds, next), `http_64 (${setup})`).rate;
      return { rate, cpu: (1e6 * (server.cpuSeconds() - before)) / (rate * ctx.runSeconds) };
    };
    for (let round = 0; round < 4; round++) {
      // rotate the order, so no setup always runs first (or right after the same one)
      for (let k = 0; k < setups.length; k++) {
        const setup = setups[(k + round) % setups.length]!;
        const m = await measure(setup);
        if (round === 0) continue; // warm-up
        rates[setup].push(m.rate);
        cpu[setup].push(m.cpu);
      }
    }
    const titles: Record<Setup, string> = {
      single: 'plain store, no auth (paired with the three below)',
      jwt: 'plain store, every request with an HS256 JWT',
      conjoined: 'conjoined tenancy (row-level security), JWTs of 8 tenants',
      one_tenant: 'conjoined tenancy (row-level security), every JWT of one tenant',
    };
    for (const setup of setups) {
      ctx.report.record({ id: `http_64_${setup}`, title: `HTTP commands, 64 clients, ${titles[setup]}`, unit: 'commands/s' }, rates[setup]);
      ctx.report.record(
        { id: `cpu_per_command_${setup}`, title: `server CPU per command, ${titles[setup]}`, unit: 'µs', lowerIsBetter: true },
        cpu[setup],
      );
    }
    const cost = (of: number[], against: number[]) => of.map((r, i) => 100 * (1 - r / against[i]!));
    ctx.report.record(
      { id: 'rls_cost', title: 'cost of row-level security: 1 - conjoined/jwt http_64, per round', unit: '%', lowerIsBetter: true },
      cost(rates.conjoined, rates.jwt),
    );
    ctx.report.record(
      { id: 'tenancy_cost', title: 'cost of JWT + tenancy: 1 - conjoined/single http_64, per round', unit: '%', lowerIsBetter: true },
      cost(rates.conjoined, rates.single),
    );
  } finally {
    for (const server of servers.values()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
