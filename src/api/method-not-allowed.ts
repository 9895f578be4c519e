import { ApiError, notFound } from '../shared/errors';

interface RoutePattern {
  method: string;
  regex: RegExp;
}

function compileSegment(segment: string): string {
  if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // `:name{pattern}` keeps its own pattern; a bare `:name` is any one segment.
  const pattern = /^:\w+\{(.+)\}$/.exec(segment)?.[1];
  return pattern ? `(?:${pattern})` : '[^/]+';
}

function compile(path: string): RegExp {
  return new RegExp(`^${path.split('/').map(compileSegment).join('/')}/?$`);
}

/**
 * Hono answers an unmatched method with its not-found handler; the contract wants 405 with
 * `Allow` when the path exists under another method. The route table is read once, lazily,
 * after every route has been registered.
 */
export function notFoundOrMethodNotAllowed(app: { routes: { method: string; path: string }[] }) {
  let patterns: RoutePattern[] | undefined;
  return (method: string, path: string): ApiError => {
    patterns ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, regex: compile(route.path) }));
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
    if (allowed.length === 0 || allowed.includes(method)) return notFound('Route');
    if (allowed.includes('GET')) allowed.push('HEAD');
    return new ApiError('METHOD_NOT_ALLOWED', 'This route does not support that method', {
      headers: { Allow: allowed.join(', ') },
      details: { allowed },
    });
  };
}
