import { ApiError, notFound } from '../shared/errors';

interface RoutePattern {
  method: string;
  regex: RegExp;
}

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Hono answers an unmatched method with its not-found handler; the contract wants 405 with
 * `Allow` when the path exists under another method. The route table is read once, lazily,
 * after every route has been registered.
 */
export function notFoundOrMethodNotAllowed(app: { routes: { method: string; path: string }[] }) {
  let patterns: RoutePattern[] | undefined;
  return (path: string): ApiError => {
    patterns ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, regex: compile(route.path) }));
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
    if (allowed.length === 0) return notFound('Route');
    if (allowed.includes('GET')) allowed.push('HEAD');
    return new ApiError('METHOD_NOT_ALLOWED', 'This route does not support that method', {
      headers: { Allow: allowed.join(', ') },
      details: { allowed },
    });
  };
}
