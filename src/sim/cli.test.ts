import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './main';

describe('simulator CLI', () => {
  it('parses sizes, seeds, limits and faults, and rejects nonsense', () => {
    expect(
      parseArgs([
        '--port',
        '0',
        '--size',
        'small',
        '--seed',
        '5',
        '--rate',
        '200',
        '--no-limits',
        '--faults',
        'error=0.05,slow=200,drop=0.01',
      ]),
    ).toEqual({
      verbose: false,
      port: 0,
      size: 'small',
      seed: 5,
      rateLimitPerMinute: 200,
      noLimits: true,
      faults: { errorRate: 0.05, slowMs: 200, dropRate: 0.01 },
    });
    expect(() => parseArgs(['--size', 'huge'])).toThrow(/--size/);
    expect(() => parseArgs(['--faults', 'boom=1'])).toThrow(/unknown fault/);
    expect(() => parseArgs(['--seed', '-1'])).toThrow();
    expect(() => parseArgs(['--what'])).toThrow(/unknown argument/);
  });

  it('prints the listening line first, then credentials that work', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts', '--size', 'tiny', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      while (!/agent token: \S+\n/.test(out)) {
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        out += chunk.toString();
      }
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = (lines[0] ?? '').replace('listening on ', '');
      const email = /admin email: (\S+)/.exec(out)?.[1] ?? '';
      const token = /admin token: (\S+)/.exec(out)?.[1] ?? '';
      const res = await fetch(`${url}/api/v2/users/me.json`, {
        headers: { Authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}` },
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
