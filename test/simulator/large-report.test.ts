import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.js';
import { drain, fixedClock } from './sim-helpers.js';

const SIZE = 50_000_000;

/** The simulator in a child process, so its memory is measured apart from the client's. */
class Probe {
  private readonly lines: AsyncIterator<string>;
  private readonly reader: Interface;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.reader = createInterface({ input: child.stdout });
    this.lines = this.reader[Symbol.asyncIterator]();
  }

  async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the probe process ended');
    return value;
  }

  async ask(command: string): Promise<string> {
    this.child.stdin.write(`${command}\n`);
    return this.next();
  }

  stop(): void {
    this.child.stdin.end('exit\n');
    this.reader.close();
  }
}

describe('A large report', () => {
  let probe: Probe;
  let target: { apiUrl: string; hubUrl: string; oat: string };

  beforeAll(async () => {
    const script = fileURLToPath(new URL('./fixtures/memory-probe.ts', import.meta.url));
    probe = new Probe(spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(SIZE)]));
    target = JSON.parse(await probe.next()) as typeof target;
  });
  afterAll(() => probe?.stop());

  it('lists its size without generating it', async () => {
    const sim = await createSimulator({ reportBytes: SIZE, now: fixedClock });
    try {
      const started = performance.now();
      const reports = sim.reports('acme');
      expect(reports).toHaveLength(30 + 5 + 30);
      expect(reports.every((r) => r.SizeBytes === SIZE)).toBe(true);
      // 65 reports of 50 MB: listing must cost nothing near generating 3 GB.
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await sim.close();
    }
  });

  it("streams 50 MB exactly, without the simulator's memory growing by anything near that", async () => {
    const exchange = await fetch(`${target.hubUrl}/v2/auth/token`, {
      method: 'POST',
      body: JSON.stringify({ identifier: 'acme', secret: target.oat }),
    });
    const { access_token: jwt } = (await exchange.json()) as { access_token: string };
    expect(await probe.ask('start')).toBe('started');
    const redirect = await fetch(`${target.apiUrl}/orgs/acme/reports/usage_pulls/daily/2026-06-16/download`, {
      headers: { authorization: `Bearer ${jwt}` },
      redirect: 'manual',
    });
    const res = await fetch(redirect.headers.get('location')!);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    const got = await drain(res.body);
    expect(got).toEqual({ bytes: SIZE, error: undefined });
    const { growth, bytesServed } = JSON.parse(await probe.ask('peak')) as { growth: number; bytesServed: number };
    expect(bytesServed).toBe(SIZE);
    // One repeated block of about 1 MB and a few socket buffers; a body built in full would add 50 MB.
    expect(growth).toBeLessThan(15_000_000);
  });
});
