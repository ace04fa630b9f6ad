import { describe, expect, it } from 'vitest';
import { checkHandlers } from '../../../lib/core/loader/check-handlers';
import { ManifestSchema } from '../../../lib/sdk/manifest';

describe('checkHandlers', () => {
  it('reports a declared action without a handler named constructor, which every object inherits', () => {
    const manifest = ManifestSchema.parse({
      slug: 'inherited-names',
      name: 'Inherited names',
      version: '1.0.0',
      apiVersion: 1,
      actions: [
        { name: 'constructor', label: 'Constructor' },
        { name: 'run', label: 'Run' },
      ],
    });
    expect(checkHandlers({ manifest, actions: { run: () => 1 } }, manifest)).toEqual([
      { path: 'actions.constructor', message: 'missing handler for action "constructor"' },
    ]);
  });
});
