import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';

/**
 * Every letter, or the first `limit`: an operator who was shown a page alone took it for the whole
 * queue, so a list cut short says so on stderr.
 */
export async function listDeadLetters(options: EndpointOptions & { limit?: number }): Promise<void> {
  let shown = 0;
  for await (const letter of clientFor(options).dlq.all()) {
    if (shown === options.limit) {
      console.error(
        `plugboard: the first ${shown} dead letters shown; more remain (leave out --limit for all)`,
      );
      return;
    }
    console.log(JSON.stringify(letter));
    shown += 1;
  }
  if (shown === 0) console.log('the dead-letter queue is empty');
}

export async function redriveDeadLetters(ids: string[], options: EndpointOptions): Promise<void> {
  const { redriving, notRedriven } = await clientFor(options).dlq.redrive(ids.length > 0 ? ids : undefined);
  console.log(`redriving ${redriving} dead letter(s)`);
  for (const { id, reason } of notRedriven) console.log(`not redriven ${id}: ${reason}`);
}

/** One line per letter removed; an unknown id stops there, the letters before it removed. */
export async function deleteDeadLetters(ids: string[], options: EndpointOptions): Promise<void> {
  const client = clientFor(options);
  for (const id of ids) {
    await client.dlq.delete(id);
    console.log(`deleted dead letter ${id}`);
  }
}
