import { PLUGIN_TYPES } from '../../sdk/plugin-types';

/**
 * The plugin types `plugboard new --type` knows: each plugin type, plus `actions` for a catalogue
 * only. Apart from their templates (./types), which only `new` itself loads, so that its declaration
 * can name them in --help.
 */
export const TYPE_NAMES = [...PLUGIN_TYPES, 'actions'] as const;

export type TypeName = (typeof TYPE_NAMES)[number];
