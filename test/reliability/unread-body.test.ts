import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';

let pb: TestPlatform;
beforeAll(async () => {
  pb = await startTestPlatform();
});
afterAll(async () => {
  await pb?.close();
});

const MB = 1024 * 1024;

/**
 * One connection that writes every part in turn (a number is a pause in ms) and reads nothing until
 * all is written, as a client that sends its whole request before reading does; then everything the
 * server sends until it closes, or the socket error that ended the exchange.
 */
function exchange(parts: (string | Buffer | number)[]): Promise<{ received: string; error?: string }> {
  const { hostname, port } = new URL(pb.platform.url);
  return new Promise((done) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.pause();
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('end', () => done({ received }));
    socket.on('error', (error: NodeJS.ErrnoException) => done({ received, error: error.code }));
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer within 30 s')));
    const send = async () => {
      for (const part of parts) {
        if (typeof part === 'number') await sleep(part);
        else if (!socket.write(part)) await new Promise((drained) => socket.once('drain', drained));
        if (socket.destroyed) return;
      }
      socket.resume();
    };
    send();
  });
}

const head = (method: string, path: string, token: string, length: number, more = '') =>
  `${method} ${path} HTTP/1.1\r\nhost: plugboard\r\nauthorization: Bearer ${token}\r\n` +
  `content-type: application/json\r\ncontent-length: ${length}\r\n${more}\r\n`;

const statusLines = (received: string) => received.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];

describe('a body the platform answers without reading', () => {
  // Found by the soak's fuzz as one ECONNRESET: the answer was sent and the connection closed while
  // the client was still sending, and the kernel resets a connection closed with bytes unread.
  it('is answered to a client that sends all of it before reading, never reset', async () => {
    await pb.createInstance('unread-echo', 'echo');
    // Bodies past what loopback buffers hold, so the client is still sending when the answer is ready.
    const refusal = fc.oneof(
      fc.record({
        path: fc.constant('/v1/instances/unread-echo/actions/echo'),
        token: fc.constant(pb.platform.token),
        size: fc.integer({ min: 6.5 * MB, max: 12 * MB }),
        status: fc.constant(413),
      }),
      fc.record({
        path: fc.constantFrom('/v1/instances/unread-echo/actions/echo', '/v1/events'),
        token: fc.constant('wrong'),
        size: fc.integer({ min: 5 * MB, max: 6 * MB }),
        status: fc.constant(401),
      }),
      fc.record({
        path: fc.constant('/v1/no-such-route'),
        token: fc.constant(pb.platform.token),
        size: fc.integer({ min: 5 * MB, max: 6 * MB }),
        status: fc.constant(404),
      }),
    );
    await fc.assert(
      fc.asyncProperty(refusal, async ({ path, token, size, status }) => {
        const { received, error } = await exchange([
          head('POST', path, token, size),
          Buffer.alloc(size, 'x'),
        ]);
        expect(error).toBeUndefined();
        expect(statusLines(received)).toEqual([`HTTP/1.1 ${status}`]);
        expect(received).toContain('application/problem+json');
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  // The HTTP adapter drains such a body for 500 ms, then cuts the connection the answer kept alive.
  it('keeps the connection for the next request when the client is slow to send it', async () => {
    await pb.createInstance('unread-delete', 'echo');
    const body = JSON.stringify({ reason: 'x'.repeat(200_000) });
    const half = body.length / 2;
    const { received, error } = await exchange([
      head('DELETE', '/v1/instances/unread-delete', pb.platform.token, body.length),
      body.slice(0, half),
      2_000,
      body.slice(half),
      'GET /v1/health HTTP/1.1\r\nhost: plugboard\r\nconnection: close\r\n\r\n',
    ]);
    expect(error).toBeUndefined();
    expect(statusLines(received)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 200']);
  }, 60_000);
});
