import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/infra/project-root';

const INFRA = join(PROJECT_ROOT, 'lib/infra');

interface Prop {
  readonly where: string;
  readonly declaration: string;
  readonly doc: string;
}

/**
 * The members of every exported `...Props` interface of lib/infra, each with the doc comment above
 * it: a member is a line indented by two spaces that names a field (`readonly name?: Type`).
 */
function constructProps(): Prop[] {
  const props: Prop[] = [];
  for (const file of readdirSync(INFRA).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(join(INFRA, file), 'utf8');
    for (const match of text.matchAll(/^export interface (\w+Props)\b[^{]*\{\n([\s\S]*?)^\}/gm)) {
      const [, name, body = ''] = match;
      let doc = '';
      for (const line of body.split('\n')) {
        if (/^ {2}\/\*\*/.test(line)) doc = line;
        else if (/^ {3}\*/.test(line)) doc += `\n${line}`;
        else if (/^ {2}\S/.test(line)) {
          props.push({ where: `${file} ${name}`, declaration: line.trim(), doc });
          doc = '';
        }
      }
    }
  }
  return props;
}

/** Whether a doc comment says anything besides its tags: a `@default` alone does not say what a prop is. */
const saysWhatItIs = (doc: string): boolean =>
  doc
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s*(\/\*\*|\*\/|\*)?/, '')
        .replace(/\*\/\s*$/, '')
        .trim(),
    )
    .some((line) => line !== '' && !line.startsWith('@'));

describe('construct props (the aws-cdk design guidelines)', () => {
  const props = constructProps();

  it('finds the props of the constructs and stacks', () => {
    const interfaces = new Set(props.map((prop) => prop.where.split(' ')[1]));
    for (const name of ['PlatformProps', 'StatelessStackProps', 'StatefulStackProps', 'PluginFunctionProps'])
      expect(interfaces).toContain(name);
    expect(props.length).toBeGreaterThan(40);
  });

  it('are every one readonly and documented, and an optional one says its @default', () => {
    const faults = props.flatMap(({ where, declaration, doc }) => {
      const found: string[] = [];
      if (!declaration.startsWith('readonly ')) found.push('is not readonly');
      if (!doc.includes('*/')) found.push('has no doc comment');
      else if (!saysWhatItIs(doc)) found.push('has a doc comment with nothing but its @default');
      if (/^readonly \w+\?:/.test(declaration) && !doc.includes('@default'))
        found.push('is optional without @default');
      return found.map((fault) => `${where}: ${declaration} ${fault}`);
    });
    expect(faults).toEqual([]);
  });
});
