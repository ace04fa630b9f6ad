// The AWS SDK warns on every client under Node 20; the platform supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import('../lib/cli/program');
await runCli();

export {};
