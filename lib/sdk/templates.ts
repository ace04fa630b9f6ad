import { ValidationError } from './errors';

/** The only variables a `${var}` template may name (Imbi's whitelist). */
export const TEMPLATE_VARIABLES = [
  'orgSlug',
  'projectSlug',
  'projectId',
  'teamSlug',
  'environment',
  'projectTypeSlug',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null | undefined>>;

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const allowed = new Set<string>(TEMPLATE_VARIABLES);

/** Names used in the template that are not on the whitelist, in order of appearance, without repeats. */
function unknownVariables(template: string): string[] {
  const unknown = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!allowed.has(match[1]!)) unknown.add(match[1]!);
  }
  return [...unknown];
}

/** What is wrong with a template: every unknown variable named, with the allowed ones; undefined if nothing. */
export function templateProblem(template: string): string | undefined {
  const unknown = unknownVariables(template);
  if (unknown.length === 0) return undefined;
  const names = unknown.map((n) => `\${${n}}`).join(', ');
  return `unknown template variable${unknown.length > 1 ? 's' : ''} ${names}; allowed: ${TEMPLATE_VARIABLES.join(', ')}`;
}

/** Throws a ValidationError naming every unknown variable and listing the allowed ones. */
export function validateTemplate(template: string): void {
  const problem = templateProblem(template);
  if (problem !== undefined) throw new ValidationError(problem);
}

/** Replaces each `${var}` with its value; a missing value becomes the empty string, other text is untouched. */
export function expandTemplate(template: string, values: TemplateValues): string {
  validateTemplate(template);
  return template.replace(PLACEHOLDER, (_, name: TemplateVariable) => {
    const value = values[name];
    return value === undefined || value === null ? '' : String(value);
  });
}
