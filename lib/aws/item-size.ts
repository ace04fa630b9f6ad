import { PlugboardError } from '../sdk/errors';
import type { Item } from './query-page';

const MAX_ITEM_BYTES = 400 * 1024;

/** Approximate DynamoDB item size: attribute names plus values, numbers counted at their maximum. */
function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number') bytes += 21;
    else if (Array.isArray(value))
      bytes += 3 + value.reduce((sum: number, v) => sum + 1 + Buffer.byteLength(String(v)), 0);
    else bytes += Buffer.byteLength(JSON.stringify(value) ?? '');
  }
  return bytes;
}

export function assertFits(item: Item, what: string): void {
  const bytes = itemBytes(item);
  if (bytes > MAX_ITEM_BYTES) {
    throw new PlugboardError(
      'PayloadTooLarge',
      `${what} is ${Math.ceil(bytes / 1024)} KB; a registry item holds at most ${MAX_ITEM_BYTES / 1024} KB`,
    );
  }
}
