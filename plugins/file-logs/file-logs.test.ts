import { appendFile, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFilter, OperationInput } from 'plugboard/sdk';
import { callOperation, createTestContext } from 'plugboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import fileLogs from './index';

const ctxFor = (path?: string) =>
  createTestContext({ manifest: fileLogs.manifest, options: path === undefined ? {} : { path } });
const search = (input: OperationInput<'logs.search'>, ctx = ctxFor()) =>
  callOperation(fileLogs, ctx, 'logs.search', input);

describe('file-logs over its sample file', () => {
  it('passes the loader', () => {
    expect(checkPlugin(fileLogs)).toMatchObject({ ok: true });
  });

  it('returns the newest entries first', async () => {
    const { entries, nextCursor } = await search({ limit: 50 });
    expect(entries).toHaveLength(50);
    expect(nextCursor).toEqual(expect.any(String));
    const times = entries.map((e) => Date.parse(e.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(entries[0]).toMatchObject({ level: expect.any(String), fields: { service: expect.any(String) } });
  });

  it('pages through every entry exactly once with cursors', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search({ limit: 1000, ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries.map((e) => JSON.stringify(e)));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(3000);
    expect(new Set(seen).size).toBe(3000);
  });

  it('pages a filtered search without gaps', async () => {
    const filters: LogFilter[] = [{ field: 'service', op: 'eq', value: 'worker' }];
    const all = (await search({ filters, limit: 1000 })).entries;
    const first = await search({ filters, limit: 7 });
    const second = await search({ filters, limit: 7, cursor: first.nextCursor });
    expect([...first.entries, ...second.entries]).toEqual(all.slice(0, 14));
  });

  it('applies each filter operator', async () => {
    const one = async (field: string, op: LogFilter['op'], value: string | number) =>
      (await search({ filters: [{ field, op, value }], limit: 1000 })).entries;
    const errors = await one('level', 'eq', 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.level === 'error')).toBe(true);
    expect((await one('level', 'ne', 'error')).every((e) => e.level !== 'error')).toBe(true);
    const failed = await one('message', 'contains', 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.message.includes('failed'))).toBe(true);
    expect((await one('message', 'startsWith', 'job ')).every((e) => e.fields.service === 'worker')).toBe(
      true,
    );
    const fiveHundreds = await one('fields.status', 'regex', '^5\\d\\d$');
    expect(fiveHundreds.length).toBeGreaterThan(0);
    expect(fiveHundreds.every((e) => Number(e.fields.status) >= 500)).toBe(true);
    expect(await one('status', 'eq', 503)).toEqual(await one('status', 'eq', '503'));
  });

  it('limits a search to a time range, start inclusive and end exclusive', async () => {
    const newest = (await search({ limit: 1 })).entries[0]!;
    const page = await search({ start: '2025-11-23T00:00:00.000Z', end: newest.timestamp, limit: 1000 });
    expect(page.entries.length).toBeGreaterThan(0);
    expect(page.entries.some((e) => e.timestamp === newest.timestamp)).toBe(false);
    expect(page.entries.every((e) => e.timestamp >= '2025-11-23T00:00:00.000Z')).toBe(true);
  });

  it('rejects an invalid regex as a validation error', async () => {
    await expect(search({ filters: [{ field: 'message', op: 'regex', value: '(' }] })).rejects.toMatchObject({
      code: 'Validation',
      errors: [{ pointer: '/input/filters/0/value' }],
    });
  });

  it('throws CursorExpired for a forged cursor or one from another query', async () => {
    await expect(search({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'CursorExpired',
      status: 410,
    });
    const { nextCursor } = await search({ limit: 5 });
    await expect(
      search({ limit: 5, cursor: nextCursor, filters: [{ field: 'level', op: 'eq', value: 'info' }] }),
    ).rejects.toMatchObject({ code: 'CursorExpired' });
  });

  it('describes the fields it found', async () => {
    const { fields } = await callOperation(fileLogs, ctxFor(), 'logs.schema');
    expect(fields.slice(0, 3).map((f) => f.name)).toEqual(['timestamp', 'level', 'message']);
    expect(fields).toContainEqual({ name: 'status', type: 'number' });
    expect(fields).toContainEqual({ name: 'service', type: 'string' });
    expect(fields).toContainEqual({ name: 'mfa', type: 'boolean' });
  });

  it('counts entries into buckets that cover the whole log', async () => {
    const { buckets } = await callOperation(fileLogs, ctxFor(), 'logs.histogram', { bucketCount: 72 });
    expect(buckets).toHaveLength(72);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(3000);
    for (const [i, bucket] of buckets.entries()) {
      expect(bucket.start < bucket.end).toBe(true);
      if (i > 0) expect(bucket.start).toBe(buckets[i - 1]!.end);
    }
  });

  it('uses 60 buckets by default and honours range and filters', async () => {
    const range = { start: '2025-11-24T00:00:00.000Z', end: '2025-11-25T00:00:00.000Z' };
    const filters: LogFilter[] = [{ field: 'level', op: 'eq', value: 'error' }];
    const { buckets } = await callOperation(fileLogs, ctxFor(), 'logs.histogram', { ...range, filters });
    expect(buckets).toHaveLength(60);
    expect(buckets[0]!.start).toBe(range.start);
    expect(buckets.at(-1)!.end).toBe(range.end);
    const errors = await search({ ...range, filters, limit: 1000 });
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(errors.entries.length);
  });
});

describe('file-logs over a file that changes', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-logs-'));
    path = join(dir, 'app.ndjson');
    await copyFile(new URL('./sample.ndjson', import.meta.url), path);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('expires cursors when the file changes and skips lines that are not entries', async () => {
    const ctx = ctxFor(path);
    const { nextCursor } = await search({ limit: 10 }, ctx);
    await appendFile(
      path,
      `not json\n{"message":"no timestamp"}\n${JSON.stringify({ timestamp: '2030-01-01T00:00:00Z', message: 'late', level: 'info' })}\n`,
    );
    await expect(search({ limit: 10, cursor: nextCursor }, ctx)).rejects.toMatchObject({
      code: 'CursorExpired',
    });
    const { entries } = await search({ limit: 1 }, ctx);
    expect(entries).toEqual([
      { timestamp: '2030-01-01T00:00:00.000Z', level: 'info', message: 'late', fields: {} },
    ]);
  });

  it('answers Unavailable for a file it cannot read', async () => {
    await expect(search({}, ctxFor(join(dir, 'missing.ndjson')))).rejects.toMatchObject({
      code: 'Unavailable',
    });
  });
});
