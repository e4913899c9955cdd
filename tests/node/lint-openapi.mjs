// `node lint-openapi.mjs --binary PATH`: lints the document with @redocly/cli and this
// folder's redocly.yaml. Any error or warning fails.
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDocument, argValue } from './openapi-document.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { text, dir } = generateDocument(argValue('--binary'));
const file = join(dir, 'openapi.json');
writeFileSync(file, text);
const redocly = join(here, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
const run = spawnSync(process.execPath,
  [redocly, 'lint', '--config', join(here, 'redocly.yaml'), '--format', 'stylish', file],
  { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
rmSync(dir, { recursive: true, force: true });
const out = `${run.stdout}\n${run.stderr}`;
process.stdout.write(out);
if (run.status !== 0 || /\b(error|warning)\b/.test(run.stdout)) {
  console.error('openapi lint: problems found');
  process.exit(1);
}
console.log('openapi lint: clean');
