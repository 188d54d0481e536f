import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REPORT_EVENT_SOURCE } from '../../shared/aws/report-events.js';
import { SYNC_REQUESTED_DETAIL_TYPE } from '../../shared/aws/sync-requests.js';
import { LAKE_EVENT_BUS } from './lake-binding.js';

export interface SyncOnRequestProps {
  /** The orgs a request may name; an event naming any other matches nothing. */
  readonly orgs: readonly string[];
  /** The sync function: it is invoked with `{"orgs": ["<org>"]}`. */
  readonly syncFunction: lambda.IFunction;
  /** Where requests go that EventBridge could not deliver. @default none */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * Turns a "Docker Reports Sync Requested" event (what POST /orgs/{org}/sync
 * puts on the bus) into a run of the sync for that one org. The API never
 * invokes the sync itself: it needs no permission to, the request is on the
 * bus for anyone to audit or react to, and the sync runs asynchronously with
 * its own retries and dead-letter queue.
 *
 * The pattern lists the configured orgs: a stray event naming another org
 * never starts a run (and the sync would refuse it anyway).
 */
export class SyncOnRequest extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SyncOnRequestProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Starts the Docker reports sync for the org a sync request (POST /orgs/{org}/sync) names',
      eventBus: events.EventBus.fromEventBusName(this, 'Bus', LAKE_EVENT_BUS),
      eventPattern: {
        source: [REPORT_EVENT_SOURCE],
        detailType: [SYNC_REQUESTED_DETAIL_TYPE],
        detail: { org: [...props.orgs] },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.syncFunction, {
        event: events.RuleTargetInput.fromObject({ orgs: [events.EventField.fromPath('$.detail.org')] }),
        // Delivery only: a run that fails follows the sync's own asynchronous retries and dead-letter queue.
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: props.deadLetterQueue,
      }),
    );
  }
}
