/**
 * The AWS SDK packages, each imported on its first use. A plugin's function that never reads a
 * secret, stores an item or publishes never loads those clients: importing the three took ~250 of the
 * ~320 ms a plugin function's bundle needed to load (bench: plugin_import_ms). The import must be
 * dynamic: esbuild hoists an external package's static import to the top of the bundle.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

export const dynamoDbSdk = once(() => import('@aws-sdk/client-dynamodb'));
export const documentSdk = once(() => import('@aws-sdk/lib-dynamodb'));
export const eventBridgeSdk = once(() => import('@aws-sdk/client-eventbridge'));
export const secretsManagerSdk = once(() => import('@aws-sdk/client-secrets-manager'));
