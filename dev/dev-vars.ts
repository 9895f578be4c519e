/**
 * Local secrets live in `.dev.vars` (git-ignored), as wrangler expects. On first run a random
 * JWT secret is generated, so no secret is ever committed and every laptop has its own.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
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

/** A fresh Web Push (VAPID) key pair, base64url: the uncompressed P-256 public point and the private scalar. */
export function generateVapidKeys(): { VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
  return { VAPID_PUBLIC_KEY: point.toString('base64url'), VAPID_PRIVATE_KEY: jwk.d ?? '' };
}

/** Adds whatever required local secret is missing, keeping everything already there. */
export function ensureDevVars(): { path: string; added: string[] } {
  const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, 'utf8') : '';
  const vars = parse(existing);
  const vapid = generateVapidKeys();
  // The pair is added whole or not at all: a public key must match its private key.
  const vapidMissing = !vars.has('VAPID_PUBLIC_KEY') || !vars.has('VAPID_PRIVATE_KEY');
  const wanted: Record<string, () => string> = {
    JWT_SECRET: () => randomBytes(48).toString('base64url'),
    DATABASE_URL: () => localConnectionString,
    ...(vapidMissing && {
      VAPID_PUBLIC_KEY: () => vapid.VAPID_PUBLIC_KEY,
      VAPID_PRIVATE_KEY: () => vapid.VAPID_PRIVATE_KEY,
    }),
  };
  const added = Object.keys(wanted).filter((name) => !vars.has(name) || (vapidMissing && name.startsWith('VAPID_')));
  if (added.length > 0) {
    const header = existing ? '' : '# Local secrets for `npm run dev` (never commit this file).\n';
    const lines = added.map((name) => `${name}=${wanted[name]?.()}`);
    const separator = existing && !existing.endsWith('\n') ? '\n' : '';
    writeFileSync(devVarsPath, `${existing}${separator}${header}${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return { path: devVarsPath, added };
}
