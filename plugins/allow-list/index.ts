import { definePlugin } from 'plugboard/sdk';

const listed = (list: string, value: string): boolean =>
  list
    .split(',')
    .map((entry) => entry.trim())
    .some((entry) => entry === '*' || entry === value);

export default definePlugin({
  manifest: {
    slug: 'allow-list',
    name: 'Allow list',
    version: '1.0.0',
    description: 'An authorizer: lets through only calls on the instances it lists. The guard example.',
    apiVersion: 1,
    options: [
      {
        name: 'instances',
        label: 'Instances that may be called, comma-separated ("*" for all)',
        type: 'string',
        required: true,
      },
    ],
  },
  authorizer: (ctx, call) =>
    listed(ctx.options.instances, call.instance)
      ? { allow: true }
      : { allow: false, reason: `instance "${call.instance}" is not on the allow list` },
});
