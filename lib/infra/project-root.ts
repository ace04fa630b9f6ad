import { fileURLToPath } from 'node:url';

/** The repository root: NodejsFunction's projectRoot, where package-lock.json and functions/ live. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
