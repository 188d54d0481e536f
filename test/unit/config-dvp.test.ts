import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DVP_API_URL, DvpEnvCredentials, dvpVariables, readEngineEnv } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';

/** Generated per run, obviously not real tokens. */
const fakePat = () => `dckr_pat_test_${randomBytes(6).toString('hex')}`;

describe('DVP settings', () => {
  describe('DOCKER_DVP_API_URL', () => {
    it("defaults to Docker's DVP Data API over https", () => {
      expect(readEngineEnv({}).dvpUrl).toBe(DEFAULT_DVP_API_URL);
      expect(DEFAULT_DVP_API_URL).toBe('https://hub.docker.com/api/publisher/analytics/v1');
    });

    it('accepts plain http on loopback (the simulator) and drops a trailing slash', () => {
      expect(readEngineEnv({ DOCKER_DVP_API_URL: 'http://127.0.0.1:4010/api/publisher/analytics/v1/' }).dvpUrl).toBe(
        'http://127.0.0.1:4010/api/publisher/analytics/v1',
      );
    });

    it('refuses plain http beyond loopback, naming the variable and the origin only', () => {
      // Act
      const read = () => readEngineEnv({ DOCKER_DVP_API_URL: 'http://hub.example.test/api/publisher/analytics/v1?sig=1' });

      // Assess
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/^DOCKER_DVP_API_URL must be an https URL: http:\/\/hub\.example\.test is plain http/);
      expect(read).not.toThrow(/sig=1/);
    });
  });

  describe('Class: DvpEnvCredentials', () => {
    it('names the per-namespace variables upper-cased with - as _', () => {
      expect(dvpVariables('my-pub')).toEqual({ username: 'DOCKER_HUB_USERNAME_MY_PUB', pat: 'DOCKER_HUB_PAT_MY_PUB' });
    });

    it("prefers a namespace's own variables, each falling back to the shared ones", async () => {
      // Prepare
      const shared = fakePat();
      const own = fakePat();
      const credentials = new DvpEnvCredentials({
        DOCKER_HUB_USERNAME: 'bot',
        DOCKER_HUB_PAT: shared,
        DOCKER_HUB_USERNAME_MY_PUB: 'pub-bot',
        DOCKER_HUB_PAT_OTHER: own,
      });

      // Act
      const mine = await credentials.credentialsFor('my-pub');
      const other = await credentials.credentialsFor('other');
      const plain = await credentials.credentialsFor('plain');

      // Assess
      expect(mine).toEqual({ username: 'pub-bot', pat: shared });
      expect(other).toEqual({ username: 'bot', pat: own });
      expect(plain).toEqual({ username: 'bot', pat: shared });
      expect(credentials.describe('my-pub')).toBe('DOCKER_HUB_USERNAME_MY_PUB and DOCKER_HUB_PAT (or DOCKER_HUB_PAT_MY_PUB)');
    });

    it('fails before any request naming each variable a namespace lacks, never a value', () => {
      // Prepare
      const pat = fakePat();
      const credentials = new DvpEnvCredentials({ DOCKER_HUB_PAT_A: pat });

      // Act
      const check = () => credentials.requireAll(['a', 'b-c']);

      // Assess
      expect(check).toThrow(ConfigError);
      expect(check).toThrow(/namespace a: set DOCKER_HUB_USERNAME_A \(or DOCKER_HUB_USERNAME for every namespace\)/);
      expect(check).toThrow(/namespace b-c: set DOCKER_HUB_USERNAME_B_C .*, and DOCKER_HUB_PAT_B_C \(or DOCKER_HUB_PAT/);
      expect(check).not.toThrow(new RegExp(pat));
    });

    it('takes a blank variable as unset', async () => {
      // Prepare
      const credentials = new DvpEnvCredentials({ DOCKER_HUB_USERNAME: ' ', DOCKER_HUB_PAT: fakePat() });

      // Act
      const failure = await credentials.credentialsFor('a').catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toMatch(/DOCKER_HUB_USERNAME_A/);
    });
  });
});
