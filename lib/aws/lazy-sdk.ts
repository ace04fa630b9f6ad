/**
 * The AWS SDK packages, each imported on its first use. A plugin's function that never reads a
 * secret, stores an item or publishes never loads those clients: importing the three took ~250 of the
 * ~320 ms a plugin function's bundle needed to load (bench: plugin_import_ms). The import must be
 * dynamic: esbuild hoists an external package's static import to the top of the bundle.
 */
function once<T>(make: () => Promise<T>): () => Promise<T> {
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

/** An adapter's SDK package and its client, made on the first call and shared after. */
export type Connection<Sdk, Client> = () => Promise<{ sdk: Sdk; client: Client }>;

/** `make` returns the client an adapter was given (tests, local endpoints) or one made from the SDK. */
export function connection<Sdk, Client>(
  load: () => Promise<Sdk>,
  make: (sdk: Sdk) => Client | Promise<Client>,
): Connection<Sdk, Client> {
  return once(async () => {
    const sdk = await load();
    return { sdk, client: await make(sdk) };
  });
}

/** An SDK error told by its name: importing its class would load the package with the caller. */
export function isSdkError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
