import { PlugboardError } from '../../sdk/errors';

/**
 * A dead letter's id, `<event id>:<target>`: an event id (1-128 printable ASCII characters, which
 * may hold a `:` of their own), then a target, which holds none (a subscription id, a built-in
 * reaction, `publish`); at most 256 characters in all, the most the store keys.
 */
export const DEAD_LETTER_ID = /^[\x21-\x7e]{1,128}:[\x21-\x39\x3b-\x7e]{1,127}$/;

/** Names the id as well as the rule: a CLI deleting several letters says which one it refused. */
export const notDeadLetterId = (id: string): string =>
  `${JSON.stringify(id)} is not a dead letter id: <event id>:<target>, printable ASCII without spaces, at most 256 characters`;

export const noDeadLetter = (id: string): PlugboardError =>
  new PlugboardError('NotFound', `no dead letter "${id}"`);
