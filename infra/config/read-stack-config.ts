import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stackConfigSchema, type StackConfig } from './stack-config.js';

/** The CDK context key holding the configuration object (cdk.json or `-c`). */
export const CONFIG_CONTEXT_KEY = 'docker-reports';
/** `-c configFile=path.json`: a JSON file laid over the context object. */
export const CONFIG_FILE_CONTEXT_KEY = 'configFile';
/** Single-value shortcuts for the command line, laid over everything else. */
export const SHORTCUT_CONTEXT_KEYS = { orgs: 'orgs', alarmEmail: 'alarmEmail', stackName: 'stackName' } as const;

/** The slice of a construct node this needs: `app.node` fits. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/** Configuration that cannot be deployed; the message lists every problem and where to fix it. */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackConfigError';
  }
}

type Json = Record<string, unknown>;

/**
 * Reads the deployment's configuration, later sources winning:
 * 1. the context object `docker-reports` (cdk.json, or `-c docker-reports='{"orgs":["acme"]}'`);
 * 2. the JSON file named by `-c configFile=deploy.json`;
 * 3. the shortcuts `-c orgs=acme,beta`, `-c alarmEmail=ops@example.com`, `-c stackName=...`.
 * Throws a {@link StackConfigError} naming each bad value.
 */
export function readStackConfig(context: ContextSource, readFile: (path: string) => string = readUtf8): StackConfig {
  let merged: Json = {};
  merged = deepMerge(merged, objectFrom(context.tryGetContext(CONFIG_CONTEXT_KEY), `context "${CONFIG_CONTEXT_KEY}"`));
  const file = context.tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (file !== undefined) {
    if (typeof file !== 'string' || !file.trim()) throw new StackConfigError(`-c ${CONFIG_FILE_CONTEXT_KEY} must name a JSON file.`);
    let text: string;
    try {
      text = readFile(resolve(file));
    } catch (error) {
      throw new StackConfigError(`-c ${CONFIG_FILE_CONTEXT_KEY}=${file}: cannot read it (${(error as Error).message}).`);
    }
    merged = deepMerge(merged, objectFrom(text, `${CONFIG_FILE_CONTEXT_KEY} ${file}`));
  }
  merged = deepMerge(merged, shortcuts(context));
  return parseStackConfig(merged);
}

/** Validates a configuration object and fills in the defaults. */
export function parseStackConfig(input: unknown): StackConfig {
  const parsed = stackConfigSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(configuration)';
    const got = issue.input === undefined || typeof issue.input === 'object' ? '' : ` (got ${JSON.stringify(issue.input)})`;
    const message = issue.code === 'unrecognized_keys' ? `unknown setting(s) ${issue.keys.join(', ')}: check the spelling` : issue.message;
    return `  - ${path}: ${message}${got}`;
  });
  throw new StackConfigError(
    `Invalid docker-reports configuration:\n${problems.join('\n')}\n` +
      `Fix it in cdk.json (context "${CONFIG_CONTEXT_KEY}"), in the file given with -c ${CONFIG_FILE_CONTEXT_KEY}=..., ` +
      'or on the command line (-c orgs=acme,beta). See "Deploy on AWS" in README.md.',
  );
}

function shortcuts(context: ContextSource): Json {
  const result: Json = {};
  const orgs = context.tryGetContext(SHORTCUT_CONTEXT_KEYS.orgs);
  if (orgs !== undefined) {
    result.orgs = Array.isArray(orgs)
      ? orgs
      : String(orgs)
          .split(',')
          .map((org) => org.trim())
          .filter((org) => org !== '');
  }
  const email = context.tryGetContext(SHORTCUT_CONTEXT_KEYS.alarmEmail);
  if (email !== undefined && email !== '') result.alarms = { email };
  const stackName = context.tryGetContext(SHORTCUT_CONTEXT_KEYS.stackName);
  if (stackName !== undefined) result.stackName = stackName;
  return result;
}

/** A context value is an object in cdk.json but a string when given with `-c`. */
function objectFrom(value: unknown, where: string): Json {
  if (value === undefined || value === null) return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new StackConfigError(`${where} is not valid JSON (${(error as Error).message}).`);
    }
  }
  if (!isPlainObject(parsed)) throw new StackConfigError(`${where} must be a JSON object, like {"orgs": ["acme"]}.`);
  return parsed;
}

function deepMerge(base: Json, over: Json): Json {
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
