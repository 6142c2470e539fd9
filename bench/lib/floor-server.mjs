#!/usr/bin/env node
// The intake benchmark's floor: a bare Fastify app with ONE POST route that inserts one row into
// a scratch table (bench_floor) of the same database, through the same driver and pool size as
// the server (openDatabase from server/dist). No session, no validation, no audit: what any
// intake endpoint must at least pay (HTTP + JSON + one INSERT round trip + commit).
// It lives only in the benchmark; the product server has no such route.
// Environment: DATABASE_URL or GRIDWORK_DATA_DIR, PORT, HOST, LOG_LEVEL (same as the server).
import Fastify from 'fastify';
import { load } from './db.mjs';

const { openDatabase } = await load('platform/db/client.js');
const { loadConfig } = await load('platform/config.js');

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
const DDL = `CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, category_code varchar(12) NOT NULL, description text NOT NULL, lng double precision, lat double precision, created_at timestamptz NOT NULL DEFAULT now())`;
const INSERT = 'INSERT INTO bench_floor (category_code, description, lng, lat) VALUES ($1, $2, $3, $4) RETURNING id';
const query =
  database.kind === 'postgres' ? (text, params) => database.pool.query(text, params) : (text, params) => database.pglite.query(text, params);
await query(DDL, []);

// Same logger level and body limit as the server, so both pay the same per-request logging.
const app = Fastify({ logger: { level: config.logLevel }, bodyLimit: config.bodyLimitBytes });
app.get('/readyz', async () => ({ ok: true }));
app.post('/floor', async (req, reply) => {
  const b = req.body;
  const r = await query(INSERT, [b.categoryCode, b.description, b.lng ?? null, b.lat ?? null]);
  return reply.status(201).send({ id: Number(r.rows[0].id) });
});

const close = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
await app.listen({ port: config.port, host: config.host });
