import { relative } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_PLUGINS_DIR } from '../../local/defaults';
import { scaffoldPlugin } from '../scaffold/scaffold';
import { TYPE_TEMPLATES } from '../scaffold/types';

export function registerNewCommand(program: Command): void {
  program
    .command('new')
    .description('scaffold a plugin: a typed manifest, handlers for its type, a README and a passing test')
    .argument('<slug>', 'the plugin slug: a-z, 0-9 and "-", starting with a letter')
    .requiredOption('--type <type>', `the plugin's type: ${Object.keys(TYPE_TEMPLATES).join(', ')}`)
    .option('--plugins <dir>', 'folder holding one folder per plugin', DEFAULT_PLUGINS_DIR)
    .action(async (slug: string, options: { type: string; plugins: string }) => {
      const { files } = await scaffoldPlugin(options.plugins, slug, options.type);
      console.log(
        [
          `Created ${options.type} plugin "${slug}":`,
          ...files.map((f) => `  ${relative(process.cwd(), f)}`),
          '',
          `Next: node bin/plugboard.mjs validate && node bin/plugboard.mjs test ${slug}`,
        ].join('\n'),
      );
    });
}
