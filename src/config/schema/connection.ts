/** A PostgreSQL connection: a URL, or its parts (the store's, a shard's, the control database's). */
import { z } from 'zod';
import { int } from './primitives.js';

export const connectionObject = z.strictObject({
  host: z.string().default('localhost').describe('database host'),
  port: int.default(5432).describe('database port'),
  database: z.string().default('postgres').describe('database name'),
  username: z.string().optional().describe('user name'),
  password: z.string().optional().describe('password (use @env.secure)'),
});

export const connectionSchema = z.union([z.string(), connectionObject]);

export type ConnectionConfig = z.infer<typeof connectionSchema>;
