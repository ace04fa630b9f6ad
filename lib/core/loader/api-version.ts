import { SUPPORTED_API_VERSION } from '../../sdk/manifest';

/**
 * Why a manifest is skipped for the apiVersion it declares, or undefined when this platform runs
 * it (or when it declares no number, which the manifest's schema then refuses). Skipped, not
 * failed: it may be valid for a platform that does not exist yet, so it is asked before the schema.
 * TypeScript and process plugins alike are refused in these words.
 */
export function unsupportedApiVersion(manifest: unknown): string | undefined {
  const apiVersion = (manifest as { apiVersion?: unknown } | null)?.apiVersion;
  if (typeof apiVersion !== 'number' || apiVersion === SUPPORTED_API_VERSION) return undefined;
  return `apiVersion ${apiVersion} is not supported (this platform runs apiVersion ${SUPPORTED_API_VERSION})`;
}
