/** Answers with the request body, as bench/servers/bare-http.ts does. */
export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: event.body ?? '',
});
