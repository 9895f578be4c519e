/**
 * Password hashing with scrypt from workerd's node:crypto. PBKDF2 is out: production workerd caps
 * it at 100 000 iterations while local workerd does not (see docs/decisions.md). Each hash is
 * stored as a PHC string with its parameters, so they can be raised later: `verifyPassword`
 * reports when a hash was made with weaker ones, and login re-hashes it.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

// OWASP's listed scrypt setting; N·r·p = 2^14·8·5 stays inside workerd's cap of 2^20.
export const currentParams: ScryptParams = { ln: 14, r: 8, p: 5 };
const keyLength = 32;
const saltLength = 16;

function derive(password: string, salt: Buffer, { ln, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** ln;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = currentParams): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

const phc = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = phc.exec(stored);
  if (!m) return null;
  return {
    params: { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    salt: Buffer.from(m[4] ?? '', 'base64'),
    key: Buffer.from(m[5] ?? '', 'base64'),
  };
}

const weakerThanCurrent = ({ ln, r, p }: ScryptParams) =>
  ln < currentParams.ln || r < currentParams.r || p < currentParams.p;

export async function verifyPassword(
  password: string,
  stored: string,
): Promise<{ valid: boolean; needsRehash: boolean }> {
  const parsed = parseHash(stored);
  if (!parsed) return { valid: false, needsRehash: false };
  const key = await derive(password, parsed.salt, parsed.params);
  const valid = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  return { valid, needsRehash: valid && weakerThanCurrent(parsed.params) };
}

// A real hash of a random password: verifying against it costs what a real check costs, so an
// unknown email answers no faster than a wrong password and does not reveal that it is unknown.
// Kept as a string, not a promise: a promise made in one request must not be awaited by another.
let decoyHash: string | undefined;
export async function burnVerificationTime(password: string): Promise<void> {
  decoyHash ??= await hashPassword(randomBytes(12).toString('base64'));
  await verifyPassword(password, decoyHash);
}
