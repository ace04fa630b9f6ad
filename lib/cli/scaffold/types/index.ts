import type { TypeTemplate } from '../template';
import type { TypeName } from '../type-names';
import { actions } from './actions';
import { configuration } from './configuration';
import { deployment } from './deployment';
import { identity } from './identity';
import { lifecycle } from './lifecycle';
import { logs } from './logs';
import { webhook } from './webhook';

/** The template of each plugin type `plugboard new --type` knows. */
export const TYPE_TEMPLATES: Record<TypeName, TypeTemplate> = {
  configuration,
  logs,
  identity,
  deployment,
  lifecycle,
  webhook,
  actions,
};
