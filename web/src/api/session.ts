/**
 * The signed-in session. The API authenticates with bearer tokens only (no cookies), so the token
 * pair has to live where script can read it. localStorage keeps people signed in across reloads
 * and tabs; the risk that brings (theft by injected script) is kept down by a strict CSP in
 * index.html, by never turning user content into markup (ui/dom.ts), and by the server's
 * single-use refresh tokens, which revoke the whole session when a stolen one is replayed.
 */
export interface Session {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

const storageKey = 'lumen.session';
const listeners = new Set<(session: Session | null) => void>();

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const { userId, accessToken, refreshToken } = value as Record<string, unknown>;
  return typeof userId === 'string' && typeof accessToken === 'string' && typeof refreshToken === 'string';
}

export function currentSession(): Session | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey) ?? 'null');
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession({ userId, accessToken, refreshToken }: Session): void {
  localStorage.setItem(storageKey, JSON.stringify({ userId, accessToken, refreshToken }));
  for (const listener of listeners) listener(currentSession());
}

export function clearSession(): void {
  localStorage.removeItem(storageKey);
  for (const listener of listeners) listener(null);
}

export function onSessionChange(listener: (session: Session | null) => void): void {
  listeners.add(listener);
}

// Signing in or out in another tab changes this one too.
addEventListener('storage', (event) => {
  if (event.key === storageKey) for (const listener of listeners) listener(currentSession());
});

type Rotate = (refreshToken: string) => Promise<Session | null>;

let inFlight: Promise<Session | null> | null = null;

/**
 * Trades the refresh token for a new pair, once across all tabs: each refresh token works once,
 * and two tabs presenting the same one would look like theft and end the session. Under the
 * lock, a tab whose token another tab already rotated simply adopts the stored result.
 */
export function refreshSession(stale: Session, rotate: Rotate): Promise<Session | null> {
  const run = async () => {
    const latest = currentSession();
    if (!latest) return null;
    if (latest.refreshToken !== stale.refreshToken) return latest;
    const next = await rotate(latest.refreshToken);
    if (next) saveSession(next);
    else clearSession();
    return next;
  };
  // Web Locks exist only in secure contexts (https, localhost); elsewhere one tab's guard must do.
  const locked = () =>
    new Promise<Session | null>(
      (resolve, reject) => void navigator.locks.request('lumen.refresh', () => run().then(resolve, reject)),
    );
  const pending = inFlight ?? (navigator.locks ? locked() : run()).finally(() => (inFlight = null));
  inFlight = pending;
  return pending;
}
