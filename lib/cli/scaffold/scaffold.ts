import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import { pluginSlug } from '../../sdk/manifest';
import { instanceNameFor } from '../dev/dev-instance';
import type { TypeTemplate } from './template';
import { TYPE_NAMES, type TypeName } from './type-names';
import { TYPE_TEMPLATES } from './types';

const titleOf = (slug: string) =>
  slug
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');

const fill = (text: string, slug: string) =>
  text
    .replaceAll('__SLUG__', slug)
    .replaceAll('__NAME__', titleOf(slug))
    .replaceAll('__INSTANCE__', instanceNameFor(slug, '1'));

/** Biome's import order: letters compared without case, and on a tie in case the capital first. */
function biomeOrder(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x.toLowerCase() !== y.toLowerCase()) return x.toLowerCase() < y.toLowerCase() ? -1 : 1;
    if (x !== y) return x === x.toUpperCase() ? -1 : 1;
  }
  return a.length - b.length;
}

function indexSource(t: TypeTemplate): string {
  const imports = ['definePlugin', ...t.sdkImports].sort((a, b) =>
    biomeOrder(a.replace(/^type /, ''), b.replace(/^type /, '')),
  );
  return `import { ${imports.join(', ')} } from 'plugboard/sdk';
${t.preamble ? `\n${t.preamble}` : ''}
export default definePlugin({
  manifest: {
    slug: '__SLUG__',
    name: '__NAME__',
    version: '0.1.0',
    description: 'What __NAME__ does, in one sentence.',
    apiVersion: 1,
    ${t.manifest}
    docs: { overview: { summary: 'How to use __NAME__.' } },
  },
  ${t.handlers}
});
`;
}

function testSource(t: TypeTemplate): string {
  const helpers = [
    'callAction',
    'callOperation',
    'createTestContext',
    'formatConformanceReport',
    'runConformance',
  ]
    .filter((name) => !name.startsWith('call') || t.test.includes(name))
    .join(', ');
  return `import { ${helpers} } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import plugin from './index';

describe('__SLUG__', () => {
  it('honours the contracts it declares', async () => {
    const report = await runConformance(plugin);
    expect(report.ok, formatConformanceReport(report)).toBe(true);
  });

${t.test}
});
`;
}

function readmeSource(t: TypeTemplate, type: string): string {
  const kind = /^[a-z]+\.[a-zA-Z]+$/.test(t.invoke.target) ? 'operation' : 'action';
  return `# __NAME__

A \`${type}\` plugin. Describe what it does, its options and its credentials here.

\`\`\`sh
node bin/plugboard.mjs validate
node bin/plugboard.mjs test __SLUG__
node bin/plugboard.mjs instances create __INSTANCE__ --plugin __SLUG__
node bin/plugboard.mjs invoke __INSTANCE__ ${t.invoke.target} --params '${t.invoke.json}'
\`\`\`

\`test\` runs the conformance kit over the plugin; \`invoke\` calls the ${kind} \`${t.invoke.target}\` on a
running platform (\`npm start\`).
`;
}

/** Writes plugins/<slug>/ with index.ts, a test and a README; never touches an existing folder. */
export async function scaffoldPlugin(
  pluginsDir: string,
  slug: string,
  type: string,
): Promise<{ dir: string; files: string[] }> {
  // The manifest's own rule, so that `new` takes every slug a plugin may have and no other.
  if (!pluginSlug.safeParse(slug).success) {
    throw new ValidationError(
      `"${slug}" is not a valid slug: start with a-z, then a-z, 0-9 or "-", at most ${pluginSlug.maxLength} characters`,
    );
  }
  const template = Object.hasOwn(TYPE_TEMPLATES, type) ? TYPE_TEMPLATES[type as TypeName] : undefined;
  if (!template) {
    throw new ValidationError(`unknown type "${type}"; choose one of ${TYPE_NAMES.join(', ')}`);
  }
  const dir = join(pluginsDir, slug);
  if (existsSync(dir)) throw new PlugboardError('NameTaken', `${dir} already exists; choose another slug`);
  await mkdir(dir, { recursive: true });
  const files = {
    'index.ts': indexSource(template),
    [`${slug}.test.ts`]: testSource(template),
    'README.md': readmeSource(template, type),
  };
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), fill(text, slug), { flag: 'wx' });
  }
  return { dir, files: Object.keys(files).map((name) => join(dir, name)) };
}
