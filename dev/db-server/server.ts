/**
 * A local stand-in for Neon's SQL-over-HTTP endpoint, so the Worker runs the same
 * `drizzle-orm/neon-http` code in dev and tests as in production; only `neonConfig.fetchEndpoint`
 * points here instead of at Neon.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { openDatabase, type Database, type DatabaseOptions } from './database.ts';
import {
  beginStatement,
  formatDatabaseError,
  formatResult,
  isDatabaseError,
  parseSqlRequest,
  ProtocolError,
  type SqlRequest,
  type StatementRequest,
} from './neon-protocol.ts';

const maxBodyBytes = 16 * 1024 * 1024;

export interface DbServerOptions extends DatabaseOptions {
  port?: number;
  host?: string;
}

export interface DbServer {
  /** The URL to give `neonConfig.fetchEndpoint`. */
  sqlEndpoint: string;
  database: Database;
  close(): Promise<void>;
}

function runStatement(client: pg.Pool | pg.PoolClient, statement: StatementRequest) {
  // Always the extended protocol, as Neon does: one statement per query, parameters never spliced.
  // (@types/pg does not know `queryMode` yet; node-postgres has supported it since 8.11.)
  const config: pg.QueryArrayConfig & { queryMode: 'extended' } = {
    text: statement.query,
    values: statement.params,
    rowMode: 'array',
    queryMode: 'extended',
  };
  return client.query<unknown[]>(config);
}

async function runBatch(pool: pg.Pool, request: SqlRequest) {
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query(beginStatement(request));
    try {
      const results = [];
      for (const statement of request.statements) results.push(await runStatement(client, statement));
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        healthy = false;
      });
      throw error;
    }
  } finally {
    client.release(!healthy);
  }
}

async function execute(pool: pg.Pool, request: SqlRequest) {
  if (request.isBatch) {
    const results = await runBatch(pool, request);
    return { results: results.map((result) => formatResult(result, request)) };
  }
  const [statement] = request.statements;
  if (!statement) throw new ProtocolError('no query given');
  return formatResult(await runStatement(pool, statement), request);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new ProtocolError('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(database: Database, req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method === 'GET' && path === '/health')
    return send(res, 200, { status: 'ok', database: database.description });
  if (path !== '/sql') return send(res, 404, { message: 'not found' });
  if (req.method !== 'POST') return send(res, 405, { message: 'use POST' });
  try {
    const request = parseSqlRequest(req.headers, await readBody(req));
    send(res, 200, await execute(database.pool, request));
  } catch (error) {
    if (error instanceof ProtocolError) return send(res, 400, { message: error.message });
    if (isDatabaseError(error)) return send(res, 400, formatDatabaseError(error));
    // Not a statement's fault (e.g. the database is unreachable): the driver reports a server error.
    send(res, 503, { message: error instanceof Error ? error.message : String(error) });
  }
}

export async function startDbServer(options: DbServerOptions = {}): Promise<DbServer> {
  const database = await openDatabase(options);
  const server = createServer((req, res) => {
    handle(database, req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  // Longer than any client keeps an idle connection: with Node's default of 5 s, workerd would now
  // and then send a request on a socket the server was closing, and the Worker saw "Network
  // connection lost" for a statement that never arrived.
  server.keepAliveTimeout = 10 * 60_000;
  server.headersTimeout = server.keepAliveTimeout + 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    sqlEndpoint: `http://${host}:${port}/sql`,
    database,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
