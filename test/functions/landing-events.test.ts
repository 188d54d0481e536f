import { afterEach, describe, expect, it } from 'vitest';
import { landMessage } from '../../shared/aws/land-queue.js';
import type { ReportLandedDetail } from '../../shared/aws/report-events.js';
import { OUTBOX_ROOT } from '../../shared/lake/layout.js';
import type { WorkItem } from '../../shared/sync/index.js';
import { lambdaContext } from './support/lambda-context.js';
import { LambdaHarness, PREFIX, type Printed } from './support/lambda-harness.js';

let harness: LambdaHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ONE_TYPE = { orgs: ['acme'], days: 2, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] };

/** What the lake's outbox holds. */
function outbox(h: LambdaHarness): string[] {
  return h.bucket.keys(`${PREFIX}/${OUTBOX_ROOT}/`);
}

/** The details of every entry PutEvents was asked to take, accepted or not, as sent. */
function attempted(h: LambdaHarness): string[] {
  return h.putEventsCalls.flat().map((entry) => entry.Detail!);
}

function logged(h: LambdaHarness, message: string): Printed[] {
  return h.printed.filter((line) => line.message === message);
}

describe('Landing events: never lost', () => {
  it.each([
    ['PutEvents fails', 'throw'],
    ['EventBridge refuses the entry (FailedEntryCount)', 'refuse'],
  ] as const)('when %s, the report counts as landed, its event waits in the outbox, and the next sync sends it and removes it', async (_case, fault) => {
    // Prepare
    harness = await LambdaHarness.start({ sim: ONE_TYPE });
    const reports = harness.sim.reports('acme').length;
    harness.eventBridge = fault;

    // Act: a run whose events are all refused, then a run with EventBridge back.
    const refused = await harness.syncHandler()({}, lambdaContext());
    const held = outbox(harness);
    const details = [...new Set(attempted(harness))].sort();
    harness.eventBridge = 'accept';
    const next = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(refused).toMatchObject({ landed: reports, failed: [], eventsResent: 0, eventsPending: reports });
    expect(held).toHaveLength(reports);
    for (const key of held) expect(key).toMatch(/^lake\/_outbox\/enterprise\/usage_pulls\/daily\/org=acme\/date=\d{4}-\d{2}-\d{2}\/\d{8}T\d{9}Z-[0-9a-f]{12}\.json$/);
    expect(logged(harness, 'EventBridge did not accept a landing event; it waits in the outbox and the next sync sends it again')).toHaveLength(reports);

    expect(next).toMatchObject({ landed: 0, skipped: reports, failed: [], eventsResent: reports, eventsPending: 0 });
    // The very events the first run built, byte for byte, each accepted once.
    expect(harness.events.map((entry) => entry.Detail!).sort()).toEqual(details);
    expect(harness.eventDetails().map((detail) => detail.date).sort()).toEqual(harness.sim.reports('acme').map((r) => r.Date).sort());
    expect(outbox(harness)).toEqual([]);
    expect(logged(harness, 're-sent pending landing events').at(-1)).toMatchObject({ resent: reports, superseded: 0, pending: 0 });
    expect(logged(harness, 'sync finished').at(-1)).toMatchObject({ eventsResent: reports, eventsPending: 0 });
  });

  it('leaves nothing in the outbox when EventBridge accepts each event, and a later run sends nothing again', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: ONE_TYPE });

    // Act
    const first = await harness.syncHandler()({}, lambdaContext());
    const second = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(first).toMatchObject({ landed: harness.sim.reports('acme').length, eventsResent: 0, eventsPending: 0 });
    expect(second).toMatchObject({ landed: 0, eventsResent: 0, eventsPending: 0 });
    expect(outbox(harness)).toEqual([]);
    expect(harness.events).toHaveLength(first.landed);
  });

  it('keeps pending what EventBridge still refuses, and says how many wait', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: ONE_TYPE });
    harness.eventBridge = 'refuse';
    await harness.syncHandler()({}, lambdaContext());
    const held = outbox(harness);

    // Act
    const again = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(again).toMatchObject({ landed: 0, eventsResent: 0, eventsPending: held.length });
    expect(outbox(harness)).toEqual(held);
    expect(logged(harness, 'landing events wait in the outbox for the next sync').at(-1)).toMatchObject({ eventsPending: held.length });
    expect(harness.events).toEqual([]);
  });

  it("sends, at the next sync, the event the land-report worker could not, and does not return the worker's message to the queue", async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { ...ONE_TYPE, days: 1 } });
    const [report] = harness.sim.reports('acme');
    const item: WorkItem = {
      action: 'land',
      period: {
        ref: { source: 'enterprise', scope: 'acme', name: report!.ReportType, cadence: report!.Cadence, period: report!.Date },
        files: [{ upstreamKey: report!.Key, sizeBytes: report!.SizeBytes }],
      },
      held: [],
    };
    harness.queued.push({ Id: '0', MessageBody: JSON.stringify(landMessage(item)) });
    harness.eventBridge = 'throw';

    // Act
    const batch = await harness.landReportHandler()(harness.sqsEvents()[0]!, lambdaContext('docker-reports-land-report'));
    const held = outbox(harness);
    harness.eventBridge = 'accept';
    const next = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(batch).toEqual({ batchItemFailures: [] });
    expect(held).toHaveLength(1);
    expect(next).toMatchObject({ landed: 0, eventsResent: 1, eventsPending: 0 });
    expect(harness.eventDetails()).toEqual([expect.objectContaining<Partial<ReportLandedDetail>>({ org: 'acme', date: report!.Date, replaced: false })]);
    expect(outbox(harness)).toEqual([]);
  });
});
