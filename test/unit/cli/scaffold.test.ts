import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devInstanceName } from '../../../lib/cli/dev/dev-instance';
import { scaffoldPlugin } from '../../../lib/cli/scaffold/scaffold';
import { INSTANCE_NAME } from '../../../lib/core/instances/instance-service';
import { ValidationError } from '../../../lib/sdk/errors';
import { ManifestSchema } from '../../../lib/sdk/manifest';

const longest = `a${'b-'.repeat(31)}c`;

describe('plugboard new', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plugboard-new-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes every slug a manifest allows, up to its 64 characters, and no longer one', async () => {
    expect(longest).toHaveLength(64);
    const manifest = { slug: longest, name: 'N', version: '1.0.0', apiVersion: 1, types: [] };
    expect(ManifestSchema.safeParse(manifest).success).toBe(true);
    expect(ManifestSchema.safeParse({ ...manifest, slug: `${longest}d` }).success).toBe(false);

    await scaffoldPlugin(dir, longest, 'configuration');
    const index = await readFile(join(dir, longest, 'index.ts'), 'utf8');
    expect(index).toContain(`slug: '${longest}'`);
    await expect(scaffoldPlugin(dir, `${longest}d`, 'configuration')).rejects.toThrow(ValidationError);
    await expect(scaffoldPlugin(dir, `${longest}d`, 'configuration')).rejects.toThrow(
      'at most 64 characters',
    );
  });

  it('names instances of a long slug that an instance name can hold, in its README and for dev', async () => {
    await scaffoldPlugin(dir, longest, 'configuration');
    const readme = await readFile(join(dir, longest, 'README.md'), 'utf8');
    const created = /instances create (\S+) --plugin (\S+)/.exec(readme);
    expect(created?.[2]).toBe(longest);
    expect(created?.[1]).toMatch(INSTANCE_NAME);
    expect(readme).toContain(`invoke ${created?.[1]} `);
    expect(devInstanceName(longest)).toMatch(INSTANCE_NAME);
    expect(devInstanceName('short')).toBe('short-dev');
  });
});
