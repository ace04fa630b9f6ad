import type { Hono } from 'hono';
import { PlugboardError } from '../../sdk/errors';

interface RouteTemplate {
  readonly method: string;
  readonly pattern: RegExp;
}

/** Hono's path syntax as a pattern of the whole path: `:name` one segment, `*` the rest. */
function pathPattern(path: string): RegExp {
  const segments = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':')
        ? '[^/]+'
        : segment === '*'
          ? '.*'
          : segment.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * The methods the app's routes serve at a path, for the `Allow` header of a 405 (RFC 9110 §15.5.6),
 * so a known path asked with the wrong method is told which to use instead of being called unknown.
 * Read from the app's routes on first use, when every route is registered. Middleware answers any
 * method (Hono's `ALL`), so it names none; GET brings HEAD, which Hono serves through it.
 */
export function allowedMethods<E extends object>(app: Hono<E>): (path: string) => string[] {
  let templates: RouteTemplate[] | undefined;
  return (path) => {
    templates ??= [
      ...new Map(
        app.routes
          .filter((route) => route.method !== 'ALL')
          .map((route) => [
            `${route.method} ${route.path}`,
            { method: route.method, pattern: pathPattern(route.path) },
          ]),
      ).values(),
    ];
    const methods = new Set(
      templates.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method),
    );
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** A known path asked with a method it does not serve, carrying the methods for the `Allow` header. */
export class MethodNotAllowedError extends PlugboardError {
  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super('MethodNotAllowed', `${method} is not served at ${path}; it takes ${allowed.join(', ')}`);
  }
}
