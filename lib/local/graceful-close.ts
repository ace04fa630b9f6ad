import type { Server } from 'node:http';

/** How often closing looks for kept-alive connections whose request has finished. */
const IDLE_SWEEP_MS = 50;

/**
 * Stops taking connections, lets the requests under way finish for at most `graceMs`, then cuts the
 * connections still open: Ctrl-C does not drop a call in the middle, and a hung one cannot keep the
 * platform from stopping.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((done) => {
    // A kept-alive connection whose request has finished would otherwise hold the server open
    // until the client's keep-alive ran out (5 s), and Node does not close it when the answer ends.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      done();
    });
  });
}
