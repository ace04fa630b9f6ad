import type { TypeTemplate } from '../template';
import { actions } from './actions';
import { configuration } from './configuration';
import { deployment } from './deployment';
import { identity } from './identity';
import { lifecycle } from './lifecycle';
import { logs } from './logs';
import { webhook } from './webhook';

/** The plugin types `plugboard new --type` knows: each contract type, plus `actions` for a catalogue only. */
export const TYPE_TEMPLATES: Record<string, TypeTemplate> = {
  configuration,
  logs,
  identity,
  deployment,
  lifecycle,
  webhook,
  actions,
};
