import { isPluginDefinition } from '../../sdk/define-plugin';
import { ManifestSchema } from '../../sdk/manifest';
import { OPTIONAL_HANDLERS } from '../ports';
import { zodIssues } from '../zod-errors';
import { unsupportedApiVersion } from './api-version';
import { checkHandlers } from './check-handlers';
import type { CheckIssue, CheckResult } from './types';

/** An issue as the load report shows it: `options.0.default: default does not fit type integer`. */
export function issueText(issue: CheckIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * Validates one plugin definition without any I/O: the manifest against the schema (issue paths
 * are relative to the manifest, `options.0.default`), then the handlers against the manifest
 * (paths relative to the definition, `configuration.getValues`). A manifest for another apiVersion is skipped
 * (see `unsupportedApiVersion`).
 */
export function checkPlugin(definition: unknown): CheckResult {
  if (!isPluginDefinition(definition)) {
    return {
      ok: false,
      errors: [
        {
          message:
            'the default export is not a plugin definition; use `export default definePlugin({ manifest, ... })`',
        },
      ],
    };
  }
  const skipped = unsupportedApiVersion(definition.manifest);
  if (skipped !== undefined) return { ok: false, skipped, errors: [] };
  const parsed = ManifestSchema.safeParse(definition.manifest);
  if (!parsed.success) {
    return {
      ok: false,
      errors: zodIssues(parsed.error, definition.manifest).map(({ path, detail }) =>
        path.length > 0 ? { message: detail, path: path.map(String).join('.') } : { message: detail },
      ),
    };
  }
  const errors = checkHandlers(definition as unknown as Record<string, unknown>, parsed.data);
  if (errors.length > 0) return { ok: false, errors };
  const handlers = OPTIONAL_HANDLERS.filter((name) => typeof definition[name] === 'function');
  return { ok: true, manifest: parsed.data, handlers };
}
