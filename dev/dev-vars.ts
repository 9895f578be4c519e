/**
 * Local secrets live in `.dev.vars` (git-ignored), as wrangler expects. On first run a random
 * JWT secret is generated, so no secret is ever committed and every laptop has its own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localConnectionString, projectRoot } from './paths.ts';

const devVarsPath = join(projectRoot, '.dev.vars');

function parse(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (match?.[1]) vars.set(match[1], match[2] ?? '');
  }
  return vars;
}

/**
 * The processor Worker reads its own `.dev.vars` beside its config; it is rewritten on every start
 * because the dev database server's port is chosen anew each time.
 */
export function writeProcessorDevVars(sqlEndpoint: string): void {
  const path = join(projectRoot, 'src', 'processor', '.dev.vars');
  const text = `# Written by npm run dev on every start (never commit this file).\nNEON_HTTP_ENDPOINT=${sqlEndpoint}\nDATABASE_URL=${localConnectionString}\n`;
  writeFileSync(path, text, { mode: 0o600 });
}

/** Adds whatever required local secret is missing, keeping everything already there. */
export function ensureDevVars(): { path: string; added: string[] } {
  const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, 'utf8') : '';
  const vars = parse(existing);
  const wanted: Record<string, () => string> = {
    JWT_SECRET: () => randomBytes(48).toString('base64url'),
    DATABASE_URL: () => localConnectionString,
  };
  const added = Object.keys(wanted).filter((name) => !vars.has(name));
  if (added.length > 0) {
    const header = existing ? '' : '# Local secrets for `npm run dev` (never commit this file).\n';
    const lines = added.map((name) => `${name}=${wanted[name]?.()}`);
    const separator = existing && !existing.endsWith('\n') ? '\n' : '';
    writeFileSync(devVarsPath, `${existing}${separator}${header}${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return { path: devVarsPath, added };
}
