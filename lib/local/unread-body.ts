import type { IncomingMessage } from 'node:http';
import { MAX_PAYLOAD_BYTES } from '../core/envelope';

/**
 * How much of a body nobody read the server still takes in before answering: enough for a client a
 * little over the 6 MB limit to be told so; an upload of gigabytes is cut instead.
 */
const MAX_UNREAD_BYTES = 4 * MAX_PAYLOAD_BYTES;
/** How long a client may take to finish sending a body nobody reads before its connection is cut. */
const MAX_UNREAD_MS = 10_000;

type NodeFetch = (request: Request, env: { incoming: IncomingMessage }) => Response | Promise<Response>;

/**
 * Answers a request whose body was left unread (a 413 refused from its length, a 401, a route that
 * takes no body) only once the client has sent that body, up to a bound. Answered at once, the
 * connection was closed under a client still sending (or, kept alive, cut 500 ms later by the HTTP
 * adapter), and the kernel resets a connection closed with bytes unread: a client that writes its
 * whole body before reading, or that sends its next request on the kept-alive connection, got EPIPE
 * or ECONNRESET instead of the answer.
 */
export function readingUnreadBodies<F extends NodeFetch>(fetch: F): F {
  return (async (request: Request, env: { incoming: IncomingMessage }) => {
    const response = await fetch(request, env);
    // `complete` first: the body getters build a web request, which the invoke path does without.
    if (!env.incoming.complete && !request.bodyUsed) await discardRest(request, env.incoming);
    return response;
  }) as F;
}

async function discardRest(request: Request, incoming: IncomingMessage): Promise<void> {
  if (Number(incoming.headers['content-length'] ?? 0) > MAX_UNREAD_BYTES) return;
  const body = request.body;
  // Locked, it is being read already, and taking a reader would throw.
  if (!body || body.locked) return;
  const reader = body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((answer) => {
    timer = setTimeout(answer, MAX_UNREAD_MS, 'late');
  });
  try {
    for (let bytes = 0; bytes <= MAX_UNREAD_BYTES; ) {
      const chunk = await Promise.race([reader.read(), late]);
      if (chunk === 'late' || chunk.done) return;
      bytes += chunk.value.byteLength;
    }
  } catch {
    // The client went away: there is no one left to answer.
  } finally {
    clearTimeout(timer);
  }
}
