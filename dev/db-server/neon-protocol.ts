/**
 * The wire format of Neon's SQL-over-HTTP endpoint, as `@neondatabase/serverless` speaks it:
 * POST a JSON body `{ query, params }` (or `{ queries: [...] }` for a transaction) with `Neon-*`
 * headers; the answer carries the rows, the field descriptions the driver uses to pick type
 * parsers, and Postgres errors as a 400 with the server's error fields.
 */
import type { DatabaseError, FieldDef, QueryResult } from 'pg';

export type IsolationLevel = 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';

export interface StatementRequest {
  query: string;
  params: unknown[];
}

export interface SqlRequest {
  statements: StatementRequest[];
  /** A `{ queries }` body: all statements run in one transaction, all or nothing. */
  isBatch: boolean;
  arrayMode: boolean;
  rawTextOutput: boolean;
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  deferrable?: boolean;
}

/** A request the endpoint refuses before touching the database. */
export class ProtocolError extends Error {}

const isolationLevels: Record<IsolationLevel, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function booleanHeader(headers: HeaderBag, name: string): boolean | undefined {
  const value = header(headers, name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ProtocolError(`${name} must be "true" or "false"`);
}

function parseStatement(value: unknown): StatementRequest {
  if (typeof value !== 'object' || value === null) throw new ProtocolError('each query must be an object');
  const { query, params = [] } = value as { query?: unknown; params?: unknown };
  if (typeof query !== 'string') throw new ProtocolError('query must be a string');
  if (!Array.isArray(params)) throw new ProtocolError('params must be an array');
  return { query, params };
}

export function parseSqlRequest(headers: HeaderBag, body: string): SqlRequest {
  if (!header(headers, 'Neon-Connection-String')) {
    throw new ProtocolError('missing Neon-Connection-String header');
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ProtocolError('request body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null) throw new ProtocolError('request body must be an object');

  const isBatch = 'queries' in json;
  const statements = isBatch
    ? (() => {
        const { queries } = json as { queries: unknown };
        if (!Array.isArray(queries)) throw new ProtocolError('queries must be an array');
        return queries.map(parseStatement);
      })()
    : [parseStatement(json)];

  const isolation = header(headers, 'Neon-Batch-Isolation-Level');
  if (isolation !== undefined && !(isolation in isolationLevels)) {
    throw new ProtocolError(`unknown isolation level ${isolation}`);
  }
  return {
    statements,
    isBatch,
    arrayMode: booleanHeader(headers, 'Neon-Array-Mode') ?? false,
    rawTextOutput: booleanHeader(headers, 'Neon-Raw-Text-Output') ?? false,
    isolationLevel: isolation as IsolationLevel | undefined,
    readOnly: booleanHeader(headers, 'Neon-Batch-Read-Only'),
    deferrable: booleanHeader(headers, 'Neon-Batch-Deferrable'),
  };
}

/** The BEGIN statement that carries a batch's transaction options. */
export function beginStatement(request: SqlRequest): string {
  const modes: string[] = [];
  if (request.isolationLevel) modes.push(`ISOLATION LEVEL ${isolationLevels[request.isolationLevel]}`);
  if (request.readOnly !== undefined) modes.push(request.readOnly ? 'READ ONLY' : 'READ WRITE');
  if (request.deferrable !== undefined) modes.push(request.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE');
  return modes.length ? `BEGIN ${modes.join(', ')}` : 'BEGIN';
}

// Type OIDs whose text form Neon turns into JSON values when raw text output is off.
const jsonNumberTypes = new Set([20, 21, 23, 26, 700, 701]); // int8 is here only if it fits, see below
const jsonBoolType = 16;
const jsonDocumentTypes = new Set([114, 3802]);

function jsonValue(text: string | null, dataTypeID: number): unknown {
  if (text === null) return null;
  if (dataTypeID === jsonBoolType) return text === 't';
  if (jsonDocumentTypes.has(dataTypeID)) return JSON.parse(text);
  if (jsonNumberTypes.has(dataTypeID)) {
    const n = Number(text);
    // Keep the text where a JSON number would lose digits (large int8) or cannot say it (NaN, Infinity).
    return Number.isSafeInteger(n) || (dataTypeID !== 20 && Number.isFinite(n)) ? n : text;
  }
  return text;
}

function describeField(field: FieldDef) {
  return {
    name: field.name,
    tableID: field.tableID,
    columnID: field.columnID,
    dataTypeID: field.dataTypeID,
    dataTypeSize: field.dataTypeSize,
    dataTypeModifier: field.dataTypeModifier,
    format: field.format,
  };
}

/** Shapes one statement's result as Neon does; `result.rows` hold each value's Postgres text form. */
export function formatResult(result: QueryResult<unknown[]>, request: SqlRequest) {
  const fields = result.fields.map(describeField);
  const cells = (row: unknown[]) =>
    request.rawTextOutput ? row : row.map((value, i) => jsonValue(value as string | null, fields[i]?.dataTypeID ?? 25));
  const rows = result.rows.map((row) => {
    const values = cells(row);
    return request.arrayMode ? values : Object.fromEntries(fields.map((f, i) => [f.name, values[i]]));
  });
  return { command: result.command, rowCount: result.rowCount, rows, fields, rowAsArray: request.arrayMode };
}

const errorFields = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

export function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && typeof (error as Partial<DatabaseError>).code === 'string' && 'severity' in error;
}

/** The 400 body Neon sends for a Postgres error: its message plus every field the server set. */
export function formatDatabaseError(error: DatabaseError): Record<string, string> {
  const body: Record<string, string> = { message: error.message };
  for (const key of errorFields) {
    const value = error[key];
    if (value !== undefined && value !== null) body[key] = String(value);
  }
  return body;
}
