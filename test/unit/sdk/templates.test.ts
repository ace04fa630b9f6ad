// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Plugboard templates, not JS ones
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/sdk/errors';
import { expandTemplate, TEMPLATE_VARIABLES, validateTemplate } from '../../../lib/sdk/templates';

describe('templates', () => {
  it('expands every whitelisted variable', () => {
    const values = {
      orgSlug: 'acme',
      projectSlug: 'shop',
      projectId: 42,
      teamSlug: 'core',
      environment: 'prod',
      projectTypeSlug: 'api',
    };
    const template = TEMPLATE_VARIABLES.map((v) => `\${${v}}`).join('|');
    expect(expandTemplate(template, values)).toBe('acme|shop|42|core|prod|api');
  });

  it('expands a missing, undefined or null value to the empty string', () => {
    expect(expandTemplate('/${orgSlug}/${projectSlug}/', {})).toBe('///');
    expect(expandTemplate('a${teamSlug}b', { teamSlug: undefined })).toBe('ab');
    expect(expandTemplate('a${teamSlug}b', { teamSlug: null })).toBe('ab');
    expect(expandTemplate('${projectId}', { projectId: 0 })).toBe('0');
  });

  it('leaves other text untouched, including dollars and braces that are not placeholders', () => {
    expect(expandTemplate('cost: $5 {x} $orgSlug ${ orgSlug', { orgSlug: 'acme' })).toBe(
      'cost: $5 {x} $orgSlug ${ orgSlug',
    );
    expect(expandTemplate('', { orgSlug: 'acme' })).toBe('');
  });

  it('does not expand a value a second time', () => {
    expect(expandTemplate('${orgSlug}', { orgSlug: '${projectSlug}' })).toBe('${projectSlug}');
  });

  it('rejects an unknown variable with an error that names it and lists the allowed ones', () => {
    const attempt = () => expandTemplate('/${orgSlug}/${region}/', { orgSlug: 'acme' });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow('${region}');
    for (const allowed of TEMPLATE_VARIABLES) expect(attempt).toThrow(allowed);
  });

  it('names every unknown variable once, in order', () => {
    expect(() => validateTemplate('${b}${a}${b}${orgSlug}')).toThrow(
      /unknown template variables \$\{b\}, \$\{a\}; allowed:/,
    );
    expect(() => validateTemplate('${}')).toThrow('${}');
  });

  it('accepts a template that names only whitelisted variables', () => {
    expect(() => validateTemplate('/${orgSlug}/${environment}')).not.toThrow();
  });

  it('never alters text without placeholders', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('${')),
        (text) => {
          expect(expandTemplate(text, { orgSlug: 'acme' })).toBe(text);
        },
      ),
    );
  });
});
