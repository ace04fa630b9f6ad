import { relative } from 'node:path';
import { scaffoldPlugin } from '../scaffold/scaffold';

export async function newPlugin(slug: string, options: { type: string; plugins: string }): Promise<void> {
  const { files } = await scaffoldPlugin(options.plugins, slug, options.type);
  console.log(
    [
      `Created ${options.type} plugin "${slug}":`,
      ...files.map((f) => `  ${relative(process.cwd(), f)}`),
      '',
      `Next: node bin/plugboard.mjs validate && node bin/plugboard.mjs test ${slug}`,
    ].join('\n'),
  );
}
