import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'hono';
import { ALL_SCOPES, type Authenticate } from '../core/http/auth';
import { TOKEN_FILE } from './defaults';

/** Reads the local API token, creating it (mode 0600) on first start. */
export async function loadOrCreateToken(
  dataDir: string,
): Promise<{ token: string; file: string; created: boolean }> {
  const file = join(dataDir, TOKEN_FILE);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 32) return { token, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = `pb_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { token, file, created: true };
}

/**
 * Bearer-token authentication: the one local principal holds every scope. The scheme's name is
 * case-insensitive and followed by one or more spaces (RFC 9110 §11.1, RFC 6750 §2.1).
 */
export function bearerAuthenticator(token: string): Authenticate {
  const expected = Buffer.from(token);
  return (c: Context) => {
    const credentials = /^bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const given = Buffer.from(credentials ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { id: 'local', scopes: ALL_SCOPES };
  };
}
