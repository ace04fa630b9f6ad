import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { announce } from '../child';

/**
 * Calibration rungs between bare node:http and the full invoke path: the same echo through Hono on
 * @hono/node-server (the platform's HTTP stack), and with `hop` through one worker-thread round trip
 * as well (the isolation hop every invoke makes). Neither authenticates, validates or logs.
 */
export function serveHonoEcho(hop: boolean): void {
  const worker = hop
    ? new Worker(
        "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));",
        { eval: true },
      )
    : undefined;
  const waiting = new Map<number, (text: string) => void>();
  let nextId = 0;
  worker?.on('message', ({ id, text }: { id: number; text: string }) => {
    waiting.get(id)?.(text);
    waiting.delete(id);
  });
  const roundTrip = (text: string) =>
    new Promise<string>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      worker!.postMessage({ id, text });
    });

  const app = new Hono();
  app.post('/echo', async (c) => {
    const body = await c.req.json();
    if (!worker) return c.json(body);
    return c.json(JSON.parse(await roundTrip(JSON.stringify(body))));
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
    announce({ url: `http://127.0.0.1:${info.port}/echo`, headers: {} }, async () => {
      await worker?.terminate();
    });
  });
  server.on('error', (error) => {
    throw error;
  });
}
