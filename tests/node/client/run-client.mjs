// `node run-client.mjs --binary PATH --base URL --mail-dir DIR`: generates TypeScript types
// from the binary's OpenAPI document with openapi-typescript, type-checks client.ts against
// them with tsc (strict) and runs it against the server at URL.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import openapiTS, { astToString } from 'openapi-typescript';
import { generateDocument, argValue } from '../openapi-document.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { text, dir } = generateDocument(argValue('--binary'), { METRICS_ENABLED: 'false' });
rmSync(dir, { recursive: true, force: true });

// process.exitCode rather than process.exit(), so that `finally` removes the folder.
// Inside tests/node so that the emitted JavaScript resolves openapi-fetch from node_modules.
const work = mkdtempSync(join(here, 'out-'));
try {
  const ast = await openapiTS(JSON.parse(text));
  writeFileSync(join(work, 'schema.d.ts'), astToString(ast));
  copyFileSync(join(here, 'client.ts'), join(work, 'client.ts'));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext',
      outDir: 'dist', skipLibCheck: true, noUncheckedIndexedAccess: true, types: ["node"],
      lib: ['ES2022', 'DOM'],
    },
    files: ['client.ts', 'schema.d.ts'],
  }));
  const tsc = join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', work], { encoding: 'utf8' });
  process.stdout.write(compiled.stdout + compiled.stderr);
  if (compiled.status !== 0) {
    console.error('tsc: the client does not type-check against the generated types');
    process.exitCode = 1;
  } else {
    const ran = spawnSync(process.execPath, [join(work, 'dist', 'client.js')], {
      encoding: 'utf8',
      env: { ...process.env, BASE_URL: argValue('--base'), MAIL_DIR: argValue('--mail-dir') },
    });
    process.stdout.write(ran.stdout + ran.stderr);
    process.exitCode = ran.status ?? 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
