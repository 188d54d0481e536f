import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Match } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSyncRequest } from '../../functions/sync/sync-request.js';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../../shared/aws/report-events.js';
import { requestSync } from '../../shared/aws/sync-requests.js';
import { synthStack } from './synth-stack.js';

const ORGS = ['acme', 'globex'];
const { template } = synthStack({ orgs: ORGS });

type Resource = { Properties: Record<string, unknown> };
type Target = {
  Arn: unknown;
  InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
  RetryPolicy: unknown;
  DeadLetterConfig: { Arn: unknown };
};
/** An event as EventBridge delivers it to rules. */
type BusEvent = { source: string; 'detail-type': string; detail: Record<string, unknown> };

const rules = Object.entries(template.findResources('AWS::Events::Rule'));
const [ruleId, rule] = rules[0] as [string, Resource];
const pattern = rule.Properties.EventPattern as Record<string, unknown>;
const [target] = rule.Properties.Targets as Target[];
const syncFunctionId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('SyncFunction'))!;
const syncDeadLetterQueueId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('SyncSyncDeadLetterQueue'))!;

/** EventBridge's matching for the pattern shapes used here: lists of exact values, nested objects. */
function matches(eventPattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(eventPattern).every(([key, wanted]) =>
    Array.isArray(wanted) ? wanted.includes(event[key]) : typeof event[key] === 'object' && matches(wanted as Record<string, unknown>, event[key] as Record<string, unknown>),
  );
}

/** EventBridge's input transformer: each `<name>` becomes the JSON of the value its path selects. */
function transform(transformer: Target['InputTransformer'], event: BusEvent): unknown {
  let text = transformer.InputTemplate;
  for (const [name, path] of Object.entries(transformer.InputPathsMap)) {
    const value = path.replace(/^\$\./, '').split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], event);
    text = text.replaceAll(`<${name}>`, JSON.stringify(value));
  }
  return JSON.parse(text);
}

/** The event `POST /orgs/{org}/sync` puts on the bus, as the bus hands it to rules. */
async function requestedEvent(org: string): Promise<BusEvent> {
  const client = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const entries: PutEventsRequestEntry[] = [];
  mockClient(client)
    .on(PutEventsCommand)
    .callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      entries.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: [{ EventId: '1' }] };
    });
  await requestSync(client, 'default', org);
  const [entry] = entries;
  expect(entry!.EventBusName).toBe('default');
  return { source: entry!.Source!, 'detail-type': entry!.DetailType!, detail: JSON.parse(entry!.Detail!) as Record<string, unknown> };
}

let acme: BusEvent;

beforeAll(async () => {
  acme = await requestedEvent('acme');
});

describe('Construct: SyncOnRequest', () => {
  it('is one rule on the default bus, the one the API puts its requests on', () => {
    // Assess
    expect(rules).toHaveLength(1);
    expect(rule.Properties.EventBusName).toBe('default');
  });

  it('matches exactly the event the API puts for a configured org', () => {
    // Assess
    expect(matches(pattern, acme)).toBe(true);
    expect(pattern).toEqual({ source: [REPORT_EVENT_SOURCE], 'detail-type': ['Docker Reports Sync Requested'], detail: { org: ORGS } });
  });

  it('ignores a request naming an org this stack does not sync, and the landing events of the same source', async () => {
    // Act
    const stranger = await requestedEvent('initech');

    // Assess
    expect(matches(pattern, stranger)).toBe(false);
    expect(matches(pattern, { ...acme, 'detail-type': REPORT_LANDED_DETAIL_TYPE })).toBe(false);
  });

  it('invokes the sync with {"orgs": [org]}, an event the sync accepts as "this org only"', () => {
    // Act
    const input = transform(target!.InputTransformer, acme);

    // Assess
    expect(target!.Arn).toEqual({ 'Fn::GetAtt': [syncFunctionId, 'Arn'] });
    expect(input).toEqual({ orgs: ['acme'] });
    expect(parseSyncRequest(input, { orgs: ORGS, namespaces: [] })).toEqual({ orgs: ['acme'], fanOut: 'auto' });
  });

  it('retries delivery for an hour, then leaves the request in the sync\'s dead-letter queue, which lets this rule only send to it', () => {
    // Assess
    expect(target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(target!.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [syncDeadLetterQueueId, 'Arn'] } });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: syncDeadLetterQueueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('lets this rule, and no other, invoke the sync', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [syncFunctionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });
});
