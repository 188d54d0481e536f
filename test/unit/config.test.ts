import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URL, DEFAULT_HUB_URL, readEngineEnv } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';

describe('Function: readEngineEnv', () => {
  describe('Docker URLs', () => {
    it("defaults to Docker's https URLs", () => {
      // Act
      const env = readEngineEnv({});

      // Assess
      expect(env.apiUrl).toBe(DEFAULT_API_URL);
      expect(env.hubUrl).toBe(DEFAULT_HUB_URL);
      expect(env.warnings).toEqual([]);
    });

    it.each(['DOCKER_API_URL', 'DOCKER_HUB_URL'])('refuses plain http beyond loopback in %s, naming the variable and the origin only', (name) => {
      // Act
      const read = () => readEngineEnv({ [name]: 'http://docker.example.test:8080/enterprise-data/v1?x=1' });

      // Assess
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(new RegExp(`^${name} must be an https URL: http://docker\\.example\\.test:8080 is plain http`));
      expect(read).toThrow(/accepted only on loopback/);
      expect(read).not.toThrow(/enterprise-data|x=1/);
    });

    it.each([
      'http://127.0.0.1:8080/enterprise-data/v1',
      'http://127.3.2.1:8080',
      'http://localhost:8080',
      'http://[::1]:8080',
      'https://docker.example.test/enterprise-data/v1',
    ])('accepts %s', (url) => {
      // Act
      const env = readEngineEnv({ DOCKER_API_URL: url, DOCKER_HUB_URL: url });

      // Assess
      expect(env.apiUrl).toBe(url);
      expect(env.hubUrl).toBe(url);
    });

    it.each(['http://127.0.0.1.example.test', 'http://localhost.example.test', 'http://10.0.0.1'])(
      'does not take %s for loopback',
      (url) => {
        // Act
        const read = () => readEngineEnv({ DOCKER_HUB_URL: url });

        // Assess
        expect(read).toThrow(/^DOCKER_HUB_URL must be an https URL/);
      },
    );
  });

  describe('AWS_ENDPOINT_URL_S3', () => {
    it('allows plain http to another host (MinIO on a LAN) with one warning line naming the host', () => {
      // Act
      const env = readEngineEnv({ AWS_ENDPOINT_URL_S3: 'http://minio.lan.example.test:9000/' });

      // Assess
      expect(env.s3Endpoint).toBe('http://minio.lan.example.test:9000');
      expect(env.warnings).toHaveLength(1);
      expect(env.warnings[0]).toMatch(/^AWS_ENDPOINT_URL_S3 is plain http to minio\.lan\.example\.test:9000: .*unencrypted/);
      expect(env.warnings[0]).not.toContain('\n');
    });

    it.each(['http://127.0.0.1:9000', 'http://localhost:9000', 'https://minio.lan.example.test:9000'])('says nothing for %s', (url) => {
      // Act
      const env = readEngineEnv({ AWS_ENDPOINT_URL_S3: url });

      // Assess
      expect(env.s3Endpoint).toBe(url);
      expect(env.warnings).toEqual([]);
    });
  });
});
