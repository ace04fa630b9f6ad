import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
import { printAtMost } from '../print-at-most';

export async function listDeadLetters(options: EndpointOptions & { limit?: number }): Promise<void> {
  const client = clientFor(options);
  const letters = (pageSize: number) => client.dlq.all({ pageSize });
  const shown = await printAtMost(letters, options.limit, 'dead letters', 'leave out --limit for all');
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
