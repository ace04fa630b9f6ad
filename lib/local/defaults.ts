/** The local platform's address and state folder, shared by the CLI and the platform without loading it. */
export const DEFAULT_PORT = 4680;
export const DEFAULT_DATA_DIR = '.plugboard';
/** The API token's file in the data folder. */
export const TOKEN_FILE = 'token';
export const DEFAULT_PLUGINS_DIR = 'plugins';
export const DEFAULT_EXTERNAL_PLUGINS_DIR = 'plugins-external';
/** How long closing lets requests under way finish: a plugin call's default timeout. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
