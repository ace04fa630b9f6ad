import type { TypeTemplate } from '../template';

export const identity: TypeTemplate = {
  sdkImports: ['CursorExpiredError', 'NotFoundError'],
  preamble: `/** Sample users. Replace them with your directory. */
const USERS = [
  { id: 'u-1', username: 'ada', displayName: 'Ada Lovelace', groups: ['admins'] },
  { id: 'u-2', username: 'grace', displayName: 'Grace Hopper', groups: [] },
  { id: 'u-3', username: 'alan', displayName: 'Alan Turing', groups: [] },
];
`,
  manifest: `types: ['identity'],`,
  handlers: `identity: {
    getUser(_ctx, { id }) {
      const user = USERS.find((u) => u.id === id);
      if (!user) throw new NotFoundError(\`no user \${id}\`);
      return user;
    },
    listUsers(_ctx, { limit, cursor }) {
      const from = cursor === undefined ? 0 : Number(cursor);
      if (!Number.isInteger(from) || from < 0) throw new CursorExpiredError();
      const users = USERS.slice(from, from + limit);
      const next = from + users.length;
      return next < USERS.length ? { users, nextCursor: String(next) } : { users };
    },
  },`,
  test: `  it('finds a user', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    expect(await callOperation(plugin, ctx, 'identity.getUser', { id: 'u-1' })).toMatchObject({
      username: 'ada',
    });
  });`,
  invoke: { target: 'identity.listUsers', json: '{"limit":2}' },
};
