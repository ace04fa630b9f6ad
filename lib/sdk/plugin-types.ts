/** The plugin types a manifest may declare; each one brings a handler contract (see contracts.ts). */
export const PLUGIN_TYPES = [
  'configuration',
  'logs',
  'identity',
  'deployment',
  'lifecycle',
  'webhook',
] as const;
export type PluginType = (typeof PLUGIN_TYPES)[number];
