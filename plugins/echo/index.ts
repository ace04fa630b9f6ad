import { definePlugin } from 'plugboard/sdk';

/**
 * The smallest plugin: one action that answers with what it was given, and an events handler that
 * accepts every delivery and does nothing. Benchmarks measure the platform with it.
 */
export default definePlugin({
  manifest: {
    slug: 'echo',
    name: 'Echo',
    version: '1.0.0',
    description: 'Answers every call with its own params; a baseline for measuring the platform.',
    apiVersion: 1,
    actions: [
      {
        name: 'echo',
        label: 'Echo the params back',
        optionalParams: [{ name: 'message', label: 'Message', type: 'string' }],
      },
    ],
    docs: { overview: { summary: 'The echo action returns its params unchanged.' } },
  },
  actions: {
    echo: (_ctx, params) => params,
  },
  events: () => undefined,
});
