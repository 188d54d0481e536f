import { App } from 'aws-cdk-lib';
import { readStackConfig, StackConfigError } from './config/read-stack-config.js';
import { DockerReportsStack } from './docker-reports-stack.js';

/**
 * The CDK app (cdk.json runs it with tsx). No `env`: the stack is
 * environment-agnostic, synthesizes offline without credentials, and deploys
 * to the account and region of the CLI's profile.
 */
const app = new App();
try {
  const config = readStackConfig(app.node);
  new DockerReportsStack(app, config.stackName, { config });
} catch (error) {
  if (error instanceof StackConfigError) {
    // The message says what to fix; a stack trace would only bury it.
    process.stderr.write(`\n${error.message}\n\n`);
    process.exit(1);
  }
  throw error;
}
