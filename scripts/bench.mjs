#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME.ts, which prints one JSON object per line; the last line
// is the summary with "bench":"NAME". The harness checks that contract so a broken bench is loud.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const name = process.argv[2];
const available = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ') || 'none yet'})`);
  process.exit(2);
}
const file = `bench/${name}.ts`;
if (!existsSync(file)) process.exit(2);

const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...process.argv.slice(3)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let last = null;
let buffer = '';
child.stdout.on('data', (chunk) => {
  buffer += chunk.toString();
  let end;
  while ((end = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, end).trim();
    buffer = buffer.slice(end + 1);
    if (!line) continue;
    try {
      last = JSON.parse(line);
    } catch {
      console.error(`bench ${name} printed a line that is not JSON: ${line.slice(0, 200)}`);
      process.exitCode = 1;
      continue;
    }
    process.stdout.write(`${line}\n`);
  }
});
child.on('exit', (code) => {
  if (code !== 0) process.exit(code ?? 1);
  if (!last || last.bench !== name) {
    console.error(`bench ${name}: the last line must be the summary with "bench":"${name}"`);
    process.exit(1);
  }
});
