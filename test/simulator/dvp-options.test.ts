import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { collectNamespace, createSimulator, simulatorOptionsFromFlags, usageText } from '../../simulator/index.js';
import { fixedClock } from './sim-helpers.js';

describe('DVP options', () => {
  it('serves no namespace unless asked: the DVP API is there, and refuses every namespace', async () => {
    const sim = await createSimulator({ now: fixedClock });
    try {
      expect(sim.namespaces).toEqual([]);
      expect(sim.dvpUrl).toBe(`${sim.hubUrl}/api/publisher/analytics/v1`);
      expect(() => sim.dvpCredentials('pubco')).toThrow(/no DVP namespace pubco; it simulates none/);
      expect((await fetch(`${sim.dvpUrl}/namespaces/pubco`)).status).toBe(401);
    } finally {
      await sim.close();
    }
  });

  it.each([
    [{ namespaces: [{ namespace: 'Pub' }] }, /dvp\.namespaces\.0\.namespace/],
    [{ namespaces: [{ namespace: 'pub' }, { namespace: 'pub' }] }, /repeat a namespace/],
    [{ namespaces: [{ namespace: 'pub', views: ['raw', 'daily'] }] }, /views/],
    [{ namespaces: [{ namespace: 'pub', views: [] }] }, /views/],
    [{ namespaces: [{ namespace: 'pub', weeks: -1 }] }, /weeks/],
    [{ namespaces: [{ namespace: 'pub', filesPerExport: 0 }] }, /filesPerExport/],
    [{ namespaces: [{ namespace: 'pub', lastWeekEnding: '2026-02-30' }] }, /lastWeekEnding/],
    [{ namespaces: [{ namespace: 'pub', weeks: 3, addColumnFromWeek: 4 }] }, /addColumnFromWeek/],
    [{ namespaces: [{ namespace: 'pub', username: 'Has Space' }] }, /username/],
    [{ namespaces: [{ namespace: 'pub', gzipped: true }] }, /gzipped|Unrecognized/i],
  ])('refuses bad DVP options: %j', async (dvp, message) => {
    await expect(createSimulator({ dvp } as never)).rejects.toThrow(message);
  });

  it('refuses a fault scoped to a file index that is not one', async () => {
    const sim = await createSimulator({ now: fixedClock });
    try {
      expect(() => sim.faults.resetMidBody(1, 10, { fileIndex: -1 })).toThrow(/0-based/);
    } finally {
      await sim.close();
    }
  });
});

describe('simulate --namespace', () => {
  it('turns repeated (or comma-separated) --namespace flags into DVP namespaces', () => {
    const gathered = collectNamespace('zeta-pub', collectNamespace('acmepub', undefined));
    expect(gathered).toEqual(['acmepub', 'zeta-pub']);
    expect(simulatorOptionsFromFlags({ namespace: [...gathered, 'other,acmepub'] }).dvp).toEqual({
      namespaces: [{ namespace: 'acmepub' }, { namespace: 'zeta-pub' }, { namespace: 'other' }],
    });
    expect(simulatorOptionsFromFlags({ namespace: 'solo' }).dvp).toEqual({ namespaces: [{ namespace: 'solo' }] });
    expect(simulatorOptionsFromFlags({})).not.toHaveProperty('dvp');
  });

  it.each([['Acme'], [['ok', '']], ['a b']])('refuses --namespace %j with a ConfigError naming the flag', (namespace) => {
    expect(() => simulatorOptionsFromFlags({ namespace })).toThrow(ConfigError);
    expect(() => simulatorOptionsFromFlags({ namespace })).toThrow(/--namespace/);
  });

  it('prints the DVP URL and each namespace credentials as DOCKER_HUB_USERNAME_<NS> and DOCKER_HUB_PAT_<NS>', async () => {
    const sim = await createSimulator({ ...simulatorOptionsFromFlags({ namespace: ['acmepub', 'zeta-pub'] }), now: fixedClock });
    try {
      const text = usageText(sim);
      expect(text).toContain(`export DOCKER_DVP_API_URL=${sim.dvpUrl}\n`);
      expect(text).toContain(`export DOCKER_HUB_URL=${sim.hubUrl}\n`);
      expect(text).toContain(`export DOCKER_HUB_USERNAME_ACMEPUB=acmepub-bot\n`);
      expect(text).toContain(`export DOCKER_HUB_PAT_ACMEPUB=${sim.dvpCredentials('acmepub').pat}\n`);
      expect(text).toContain(`export DOCKER_HUB_USERNAME_ZETA_PUB=zeta-pub-bot\n`);
      expect(text).toContain(`export DOCKER_HUB_PAT_ZETA_PUB=${sim.dvpCredentials('zeta-pub').pat}\n`);
      expect(text).toContain('Namespaces           acmepub, zeta-pub');
    } finally {
      await sim.close();
    }
    const plain = await createSimulator({ now: fixedClock });
    try {
      expect(usageText(plain)).not.toContain('DVP');
    } finally {
      await plain.close();
    }
  });
});
