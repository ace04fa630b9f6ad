/** Several messages posted as one. */
export interface Batch<M> {
  t: 'batch';
  messages: M[];
}

/**
 * A sender that posts the messages of one turn of the event loop together: each `postMessage` costs
 * a structured clone and wakes the other thread, and under load many calls start (and end) in the
 * same turn. Order is kept; a lone message goes as itself.
 */
export function batchedSender<M>(post: (message: M | Batch<M>) => void): (message: M) => void {
  let queued: M[] | undefined;
  const flush = () => {
    const messages = queued!;
    queued = undefined;
    post(messages.length === 1 ? messages[0]! : { t: 'batch', messages });
  };
  return (message) => {
    if (queued) {
      queued.push(message);
      return;
    }
    queued = [message];
    setImmediate(flush);
  };
}

/** Each message of a batch, or the message itself. */
export function unbatch<M>(message: M | Batch<M>): M[] {
  return (message as Batch<M>).t === 'batch' ? (message as Batch<M>).messages : [message as M];
}
