import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../e2e/harness';

const root = mkdtempSync(join(tmpdir(), 'plugboard-process-outdated-'));
const external = join(root, 'external');
const plugins = join(root, 'plugins');
const dataDir = join(root, 'data');

/** A Node process plugin that only prints its manifest: the start reads no more of it. */
const writePlugin = (toneType: string) => {
  const manifest = {
    slug: 'toned',
    name: 'Toned',
    version: toneType === 'string' ? '1.0.0' : '2.0.0',
    apiVersion: 1,
    options: [{ name: 'tone', label: 'Tone', type: toneType }],
    actions: [{ name: 'noop', label: 'Nothing' }],
  };
  mkdirSync(join(external, 'toned'), { recursive: true });
  writeFileSync(join(external, 'toned', 'plugboard.json'), JSON.stringify({ command: ['node', 'main.mjs'] }));
  writeFileSync(
    join(external, 'toned', 'main.mjs'),
    `process.stdout.write(${JSON.stringify(`${JSON.stringify(manifest)}\n`)});\n`,
  );
};

const start = () =>
  startTestPlatform({ pluginsDir: plugins, processPluginsDir: external, memory: false, dataDir });

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a plugin in another language whose new version no longer fits an instance', () => {
  it('is named with the instance when the platform starts, as a TypeScript plugin is', async () => {
    mkdirSync(plugins, { recursive: true });
    writePlugin('string');
    const first = await start();
    try {
      expect(
        (
          await first.call('POST', '/v1/instances', {
            name: 'warm',
            plugin: 'toned',
            options: { tone: 'warm' },
          })
        ).status,
      ).toBe(201);
      expect(first.logLines.filter((line) => line.includes('OptionsOutdated'))).toEqual([]);
    } finally {
      await first.close();
    }
    writePlugin('integer');
    const second = await start();
    try {
      const warned = second.logLines
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.level === 'warn' && entry.plugin === 'toned');
      expect(warned).toMatchObject([{ version: '2.0.0', count: 1, instances: ['warm'] }]);
    } finally {
      await second.close();
    }
  });
});
