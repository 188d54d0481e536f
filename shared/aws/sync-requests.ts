import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DockerReportsError } from '../errors.js';
import { REPORT_EVENT_SOURCE } from './report-events.js';

/**
 * "Sync this org now", as an EventBridge event the stack routes to the sync
 * function (`{"orgs": [org]}`). The API asks; it neither waits for the sync
 * nor needs permission to invoke it, and the request is on the bus for audit.
 *
 * ```json
 * { "source": ["docker-reports-lake"], "detail-type": ["Docker Reports Sync Requested"] }
 * ```
 */
export const SYNC_REQUESTED_DETAIL_TYPE = 'Docker Reports Sync Requested';

export async function requestSync(client: EventBridgeClient, eventBusName: string, org: string): Promise<void> {
  const answer = await client.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: eventBusName, Source: REPORT_EVENT_SOURCE, DetailType: SYNC_REQUESTED_DETAIL_TYPE, Detail: JSON.stringify({ org }) }],
    }),
  );
  if (answer.FailedEntryCount) {
    const entry = answer.Entries?.[0];
    throw new DockerReportsError(`EventBridge refused the sync request for ${org} (${entry?.ErrorCode ?? 'error'}: ${entry?.ErrorMessage ?? ''}).`);
  }
}
