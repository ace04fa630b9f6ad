import { definePlugin } from 'plugboard/sdk';

/**
 * The smallest plugin: one action that answers with what it was given, an events handler that
 * accepts every delivery and does nothing, and an http handler that describes the request it got
 * through /v1/plugin-apis/<instance>/... Benchmarks measure the platform with it.
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
    docs: {
      overview: {
        summary:
          'The echo action returns its params unchanged; any request to /v1/plugin-apis/<instance>/<path> is answered with its method, path, query, headers and body.',
      },
    },
  },
  actions: {
    echo: (_ctx, params) => params,
  },
  events: () => undefined,
  http: async (_ctx, request) => {
    const url = new URL(request.url);
    return Response.json(
      {
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      },
      { headers: { 'x-echo': 'plugboard' } },
    );
  },
});
