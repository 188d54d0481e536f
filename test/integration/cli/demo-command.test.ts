import { describe, expect, it } from 'vitest';
import { dvpDemoQuery } from '../../../cli/commands/demo.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { filesUnder } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

describe('docker-reports demo', () => {
  it('lands two orgs and a publisher namespace from the simulator, and prints pulls by week and cloud provider', async (context) => {
    // Prepare
    const lake = await tempDir('cli-demo');
    context.onTestFinished(() => lake.remove());

    // Act
    const run = await runCliInProcess(['demo', '--lake', lake.path, '--days', '3'], {});

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Landed \d+ reports and \d+ exports /m);
    expect(run.stdout).toMatch(/Tables: .*usage_pulls_daily.*dvp_raw_weekly/);
    const table = run.stdout.split('Pulls of namespace acme-images by week and cloud provider (DVP raw exports):\n')[1]!;
    const [header, , ...rows] = table.split('\n\n')[0]!.split('\n');
    expect(header).toMatch(/^week\s+cloud_provider\s+pulls$/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => /^\d{4}-\d{2}-\d{2}\s+\S+\s+\d+$/.test(row))).toBe(true);
    expect((await filesUnder(lake.path)).some((file) => file.startsWith('dvp/raw/weekly/namespace=acme-images/'))).toBe(true);
  });

  it('forms the DVP query from the columns the table has', () => {
    // Act
    const host = dvpDemoQuery([
      { name: 'action', type: 'string' },
      { name: 'host', type: 'string' },
    ]);
    const provider = dvpDemoQuery([{ name: 'cloud_provider', type: 'string' }]);
    const neither = dvpDemoQuery([{ name: 'country', type: 'string' }]);

    // Assess
    expect(host?.sql).toMatch(/coalesce\(host, '\(unknown\)'\) AS cloud_provider, count\(\*\) FILTER \(WHERE action LIKE 'pull%'\) AS pulls/);
    expect(provider?.sql).toMatch(/coalesce\(cloud_provider, '\(unknown\)'\) AS cloud_provider, count\(\*\) AS pulls/);
    expect(neither).toBeUndefined();
  });
});
