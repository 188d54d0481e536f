import { runCli } from './program.js';

// The AWS SDK warns on every S3 run under Node 20 that its releases after
// January 2027 will need Node 22: news for whoever picks the Node version, not
// for each run of a command (the README recommends Node 22+). Its own switch
// silences exactly that warning; a value the user set is left alone.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
