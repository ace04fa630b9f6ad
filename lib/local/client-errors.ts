import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { toProblem } from '../core/http/problem';
import { PlugboardError } from '../sdk/errors';

/**
 * Requests Node's HTTP parser refuses before the app sees them (a URL or headers over 16 KB, bytes
 * that are not HTTP) still get a problem+json answer, never a bare status line.
 */
interface HttpServer {
  on(event: 'clientError', listener: (error: NodeJS.ErrnoException, socket: Duplex) => void): unknown;
}

export function answerClientErrors(server: HttpServer): void {
  server.on('clientError', (error, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const problem = toProblem(
      new PlugboardError(
        tooLarge ? 'HeadersTooLarge' : 'Validation',
        tooLarge ? 'the URL and headers are over 16 KB' : 'the request is not valid HTTP',
      ),
      randomUUID(),
    );
    const body = JSON.stringify(problem);
    socket.end(
      [
        `HTTP/1.1 ${problem.status} ${problem.title}`,
        'content-type: application/problem+json',
        `content-length: ${Buffer.byteLength(body)}`,
        `x-request-id: ${problem.requestId}`,
        'connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
