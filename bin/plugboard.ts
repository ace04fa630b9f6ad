// The AWS SDK warns on every client under Node 20; the platform supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A reader that stops early (`| head`) closes the pipe: the output is no longer wanted, which is no
// failure, and Node would otherwise crash with an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});
const { runCli } = await import('../lib/cli/program');
await runCli();

export {};
