import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { parseStackConfig } from '../../infra/config/read-stack-config.js';
import type { StackConfigInput } from '../../infra/config/stack-config.js';
import { DockerReportsStack } from '../../infra/docker-reports-stack.js';

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
export const CDK_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context).filter(
    ([key]) => key.startsWith('@aws-cdk'),
  ),
);

export interface Synthesized {
  readonly app: App;
  readonly stack: DockerReportsStack;
  readonly template: Template;
}

/**
 * Builds the stack from a configuration as a user writes it. Bundling is
 * skipped (`aws:cdk:bundling-stacks: []`): these tests look at the template;
 * lambda-bundles.test.ts bundles for real, once.
 */
export function synthStack(input: Partial<StackConfigInput> = {}, options: SynthOptions = {}): Synthesized {
  const app = new App({ context: { ...CDK_FLAGS, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
  const config = parseStackConfig({ orgs: ['acme', 'globex'], ...input });
  const stack = new DockerReportsStack(app, config.stackName, { config });
  options.beforeSynth?.(stack);
  return { app, stack, template: Template.fromStack(stack) };
}

export interface SynthOptions {
  /** Bundle the functions for real (slow). @default false */
  readonly bundle?: boolean;
  /** Runs before synthesis, e.g. to add cdk-nag's aspect. */
  readonly beforeSynth?: (stack: DockerReportsStack) => void;
}

/** Every IAM policy statement of the template, with its policy's logical id. */
export function policyStatements(template: Template): { policy: string; statement: Record<string, unknown> }[] {
  const statements: { policy: string; statement: Record<string, unknown> }[] = [];
  for (const [policy, resource] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const document = (resource as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument;
    for (const statement of document.Statement) statements.push({ policy, statement });
  }
  return statements;
}

/** A statement's actions as a list. */
export function actionsOf(statement: Record<string, unknown>): string[] {
  const action = statement.Action;
  return Array.isArray(action) ? (action as string[]) : [action as string];
}
