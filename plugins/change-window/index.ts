import { definePlugin } from 'plugboard/sdk';

export default definePlugin({
  manifest: {
    slug: 'change-window',
    name: 'Change window',
    version: '1.0.0',
    description: 'A pre-hook: vetoes actions while changes are frozen, or outside the allowed UTC hours.',
    apiVersion: 1,
    options: [
      { name: 'frozen', label: 'Changes are frozen', type: 'boolean', default: false },
      { name: 'fromHour', label: 'First UTC hour changes are allowed', type: 'integer', default: 0 },
      {
        name: 'toHour',
        label: 'UTC hour changes stop being allowed (exclusive)',
        type: 'integer',
        default: 24,
      },
    ],
  },
  preHook(ctx, call) {
    // Reads go through: only actions change things.
    if (call.kind !== 'action') return;
    const { frozen, fromHour: from, toHour: to } = ctx.options;
    if (frozen) return { veto: 'changes are frozen' };
    const hour = new Date().getUTCHours();
    if (hour < from || hour >= to) return { veto: `changes are allowed from ${from}:00 to ${to}:00 UTC` };
  },
});
