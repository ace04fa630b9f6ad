/** Property names of the registry-sync custom resource, shared by the construct and its handler. */
export const REGISTRY_SYNC_PROPERTIES = {
  manifests: 'Manifests',
  handlers: 'Handlers',
  hash: 'ManifestsHash',
} as const;
