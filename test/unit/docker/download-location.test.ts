import { describe, expect, it } from 'vitest';
import { checkDownloadLocation, isLoopback, redactUrl } from '../../../shared/docker/download-location.js';
import { LocationRefusedError } from '../../../shared/errors.js';

const DOCKER_API = 'https://api.docker.com/enterprise-data/v1';
const LOCAL_API = 'http://127.0.0.1:4010/enterprise-data/v1';
const LABEL = 'download acme/usage_pulls/daily/2026-06-16';
const PRESIGNED =
  'https://reports.s3.us-east-1.amazonaws.com/acme/usage_pulls/daily/2026-06-16.csv?X-Amz-Signature=abc123sig&X-Amz-Expires=900';

describe('Function: checkDownloadLocation', () => {
  it('accepts an https pre-signed URL and returns it parsed, query included', () => {
    // Act
    const target = checkDownloadLocation(PRESIGNED, DOCKER_API, LABEL);

    // Assess
    expect(target).toBeInstanceOf(URL);
    expect(target.href).toBe(PRESIGNED);
  });

  it('accepts https even when the API is local', () => {
    // Act
    const target = checkDownloadLocation(PRESIGNED, LOCAL_API, LABEL);

    // Assess
    expect(target.host).toBe('reports.s3.us-east-1.amazonaws.com');
  });

  it.each([
    'http://127.0.0.1:4010/storage/r.csv?sig=1',
    'http://127.9.8.7/storage/r.csv',
    'http://localhost:9000/storage/r.csv',
    'http://[::1]:9000/storage/r.csv',
  ])('accepts plain http to the loopback %s when the API is http on loopback', (location) => {
    // Act
    const target = checkDownloadLocation(location, LOCAL_API, LABEL);

    // Assess
    expect(target.href).toBe(new URL(location).href);
  });

  it.each([
    ['the API is https', DOCKER_API, 'http://127.0.0.1:4010/storage/r.csv'],
    ['the API is http but not on loopback', 'http://api.internal.test/v1', 'http://127.0.0.1:4010/storage/r.csv'],
    ['the location is not on loopback', LOCAL_API, 'http://reports.example.test/r.csv'],
    ['the location only starts like loopback', LOCAL_API, 'http://127.0.0.1.example.test/r.csv'],
    ['the location only looks like localhost', LOCAL_API, 'http://localhost.example.test/r.csv'],
  ])('refuses plain http when %s', (_case, apiUrl, location) => {
    // Act
    const check = () => checkDownloadLocation(location, apiUrl, LABEL);

    // Assess
    expect(check).toThrow(LocationRefusedError);
    expect(check).toThrow(/not https; refused/);
  });

  it.each([
    ['a missing Location', null],
    ['an empty Location', ''],
    ['a relative Location', '/storage/acme/2026-06-16.csv'],
    ['a protocol-relative Location', '//reports.example.test/r.csv'],
    ['an ftp Location', 'ftp://127.0.0.1/r.csv'],
    ['a file Location', 'file:///etc/passwd'],
    ['a javascript Location', 'javascript:alert(1)'],
  ])('refuses %s', (_case, location) => {
    // Act
    const check = () => checkDownloadLocation(location, LOCAL_API, LABEL);

    // Assess
    expect(check).toThrow(LocationRefusedError);
    expect(check).toThrow(LABEL);
  });

  it('refuses a Location with credentials without repeating them', () => {
    // Prepare
    const location = 'https://reporter:hunter2-pass@reports.example.test/r.csv';

    // Act
    const error = (() => {
      try {
        checkDownloadLocation(location, DOCKER_API, LABEL);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(LocationRefusedError);
    expect((error as Error).message).toContain('carries credentials');
    expect((error as Error).message).not.toContain('hunter2-pass');
    expect((error as Error).message).not.toContain('reporter');
  });

  it('does not repeat the query string of a refused Location', () => {
    // Act
    const check = () => checkDownloadLocation('http://reports.example.test/r.csv?X-Amz-Signature=abc123sig', DOCKER_API, LABEL);

    // Assess
    expect(check).toThrow(LocationRefusedError);
    expect(check).not.toThrow(/abc123sig/);
  });
});

describe('Function: isLoopback', () => {
  it.each(['localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]'])('is true for %s', (host) => {
    // Act
    const loopback = isLoopback(host);

    // Assess
    expect(loopback).toBe(true);
  });

  it.each(['example.test', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.test', 'localhost.example.test', '::2', '0.0.0.0'])(
    'is false for %s',
    (host) => {
      // Act
      const loopback = isLoopback(host);

      // Assess
      expect(loopback).toBe(false);
    },
  );
});

describe('Function: redactUrl', () => {
  it('drops the query string of a pre-signed URL', () => {
    // Act
    const redacted = redactUrl(PRESIGNED);

    // Assess
    expect(redacted).toBe('https://reports.s3.us-east-1.amazonaws.com/acme/usage_pulls/daily/2026-06-16.csv');
  });

  it('drops credentials and the fragment, keeps the port, and accepts a URL object', () => {
    // Act
    const redacted = redactUrl(new URL('http://user:pw@127.0.0.1:4010/storage/r.csv?sig=1#part'));

    // Assess
    expect(redacted).toBe('http://127.0.0.1:4010/storage/r.csv');
  });
});
