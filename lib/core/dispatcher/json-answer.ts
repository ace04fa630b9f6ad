import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env';

/**
 * A JSON answer that carries its request id itself, in headers given as a plain object. The one
 * middleware sets the id on every other answer through the response's `headers`, which on
 * @hono/node-server turns them into a web Headers object that is then read back entry by entry to
 * write the response: ~2.4 µs a call in a loop of its own, against ~0.02 for the plain object. The
 * invoke routes answer this way; the middleware knows the answer by `requestIdAnswer`.
 */
export function jsonAnswer(c: Context<AppEnv>, body: unknown, status: ContentfulStatusCode): Response {
  const answer = new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'x-request-id': c.get('requestId') },
  });
  c.set('requestIdAnswer', answer);
  return answer;
}
