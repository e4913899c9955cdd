// Shared by the checkers: the OpenAPI document of the gatehouse binary, produced by
// `gatehouse openapi` with the given settings (by default every optional route switched on,
// so /metrics is in it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export function generateDocument(binary, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    execFileSync(resolve(binary), ['openapi', '--output', file], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        SECRET_KEY: randomBytes(32).toString('hex'),
        LOG_PATH: join(dir, 'logs'),
        ...(Object.keys(extraEnv).length ? extraEnv : { METRICS_ENABLED: 'true' }),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return { text: readFileSync(file, 'utf8'), dir };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export function argValue(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing ${name}`);
  return process.argv[i + 1];
}
