import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { createSimulator, simulatorOptionsFromFlags, usageText } from '../../simulator/index.js';
import { apiJson, fixedClock, jwtFor } from './sim-helpers.js';

describe('Simulator options', () => {
  it('starts with defaults: acme, 30 days, three report types, 4096-byte reports, distinct hosts', async () => {
    const sim = await createSimulator({ now: fixedClock });
    try {
      expect(sim.orgs).toEqual(['acme']);
      expect(sim.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/enterprise-data\/v1$/);
      expect(sim.hubUrl).toBe(sim.apiUrl.replace('/enterprise-data/v1', ''));
      expect(new URL(sim.storageUrl).host).not.toBe(new URL(sim.apiUrl).host);
      const reports = sim.reports('acme');
      expect(reports.filter((r) => r.Cadence === 'daily' && r.ReportType === 'usage_pulls')).toHaveLength(30);
      expect(new Set(reports.map((r) => `${r.ReportType}/${r.Cadence}`))).toEqual(new Set(['usage_pulls/daily', 'usage_pulls/weekly', 'image_access/daily']));
      expect(reports.every((r) => r.SizeBytes === 4096)).toBe(true);
      expect(sim.now()).toEqual(fixedClock());
    } finally {
      await sim.close();
    }
  });

  it('accepts given OATs and a fixed port', async () => {
    const probe = await createSimulator();
    const port = Number(new URL(probe.hubUrl).port);
    await probe.close();
    const sim = await createSimulator({ port, orgs: ['acme', 'globex-eu'], oats: { acme: 'sim-oat-acme-fixed' }, now: fixedClock });
    try {
      expect(sim.hubUrl).toBe(`http://127.0.0.1:${port}`);
      expect(sim.oatFor('acme')).toBe('sim-oat-acme-fixed');
      expect((await apiJson(sim, '/orgs/acme/reports', await jwtFor(sim, 'acme'))).status).toBe(200);
      // The port is taken now: a second simulator on it fails to start, and says why.
      await expect(createSimulator({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await sim.close();
    }
  });

  it.each([
    [{ orgs: ['Acme'] }, /orgs\.0/],
    [{ orgs: [] }, /orgs/],
    [{ orgs: ['acme', 'acme'] }, /repeat/],
    [{ days: -1 }, /days/],
    [{ reportBytes: 1.5 }, /reportBytes/],
    [{ jwtTtlSeconds: 0 }, /jwtTtlSeconds/],
    [{ reportTypes: [{ type: 'usage_pulls', cadence: 'hourly' }] }, /cadence/],
    [{ schemaChanges: [{ from: '2026-02-30', type: 'usage_pulls', remove: 'tag' }] }, /from/],
    [{ oats: { globex: 'x' } }, /not simulated: globex/],
  ])('refuses bad options: %j', async (options, message) => {
    await expect(createSimulator(options as never)).rejects.toThrow(message);
  });

  it('closes both servers and any streaming connection', async () => {
    const sim = await createSimulator({ now: fixedClock, reportBytes: 5_000_000 });
    const jwt = await jwtFor(sim, 'acme');
    sim.faults.stallMidBody(1, 1000);
    const redirect = await fetch(`${sim.apiUrl}/orgs/acme/reports/usage_pulls/daily/2026-06-16/download`, { headers: { authorization: `Bearer ${jwt}` } });
    const reader = redirect.body!.getReader();
    await reader.read();
    await sim.close();
    await expect(reader.read().then(async function rest(r): Promise<unknown> {
      return r.done ? 'ended' : reader.read().then(rest);
    })).rejects.toThrow();
    await expect(fetch(sim.hubUrl)).rejects.toThrow();
    await expect(fetch(sim.storageUrl)).rejects.toThrow();
  });
});

describe('simulate command helpers', () => {
  it('turns flags into options, MB into bytes', () => {
    expect(simulatorOptionsFromFlags({ port: '8080', orgs: 'acme, globex-eu', days: '7', reportMb: '2.5' })).toEqual({
      port: 8080,
      orgs: ['acme', 'globex-eu'],
      days: 7,
      reportBytes: 2_500_000,
    });
    expect(simulatorOptionsFromFlags({})).toEqual({ port: undefined, orgs: undefined, days: undefined, reportBytes: undefined });
  });

  it.each([{ port: 'http' }, { port: '70000' }, { days: '1.5' }, { reportMb: '-1' }, { orgs: ' , ' }])('refuses %j with a ConfigError', (flags) => {
    expect(() => simulatorOptionsFromFlags(flags)).toThrow(ConfigError);
  });

  it('prints the URLs and the variables to export, DOCKER_OAT_<ORG> upper-cased with - as _', async () => {
    const sim = await createSimulator({ orgs: ['acme', 'globex-eu'], oats: { 'globex-eu': "it's-odd" } });
    try {
      const text = usageText(sim);
      expect(text).toContain(`export DOCKER_API_URL=${sim.apiUrl}\n`);
      expect(text).toContain(`export DOCKER_HUB_URL=${sim.hubUrl}\n`);
      expect(text).toContain(`export DOCKER_OAT_ACME=${sim.oatFor('acme')}\n`);
      expect(text).toContain(`export DOCKER_OAT_GLOBEX_EU='it'\\''s-odd'\n`);
      expect(text).toContain(sim.storageUrl);
    } finally {
      await sim.close();
    }
  });
});
