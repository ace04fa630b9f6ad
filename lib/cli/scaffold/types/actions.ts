import type { TypeTemplate } from '../template';

/** A plugin with no contract type, only an action catalogue. */
export const actions: TypeTemplate = {
  sdkImports: [],
  preamble: '',
  manifest: `actions: [
      {
        name: 'greet',
        label: 'Greet someone',
        optionalParams: [{ name: 'who', label: 'Who to greet', type: 'string', default: 'world' }],
      },
    ],`,
  handlers: `actions: {
    greet: (_ctx, params) => ({ greeting: \`Hello, \${params.who}!\` }),
  },`,
  test: `  it('greets', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    expect(await callAction(plugin, ctx, 'greet', { who: 'Ada' })).toEqual({ greeting: 'Hello, Ada!' });
  });`,
  invoke: { target: 'greet', json: '{"who":"Ada"}' },
};
