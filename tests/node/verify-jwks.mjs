#!/usr/bin/env node
// Verifies JWTs against a JSON Web Key Set with the `jose` package, a verifier Gatehouse's
// authors did not write (used by tests/integration/jwks_itest.cpp; docs/http-api.md §2).
//
//   node tests/node/verify-jwks.mjs --jwks FILE --issuer ISS --alg ES256|RS256 TOKEN...
//
// Every token must verify: its kid must pick a key of the set, its alg must be the one
// given, its signature must hold and its iss must equal ISS. Exits 0 when all verify, 1 when
// any fails (each failure is printed), 2 on bad usage. Runs on Node 18 and 20 (jose 5.10.0).
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';

function usage(message) {
  console.error(`verify-jwks: ${message}`);
  console.error('usage: verify-jwks.mjs --jwks FILE --issuer ISS --alg ALG TOKEN...');
  process.exit(2);
}

const options = {};
const tokens = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--jwks' || arg === '--issuer' || arg === '--alg') {
    if (i + 1 >= args.length) usage(`${arg} needs a value`);
    options[arg.slice(2)] = args[++i];
  } else {
    tokens.push(arg);
  }
}
if (!options.jwks || !options.issuer || !options.alg) usage('--jwks, --issuer and --alg are required');
if (tokens.length === 0) usage('no token given');

let jwks;
try {
  jwks = createLocalJWKSet(JSON.parse(readFileSync(options.jwks, 'utf8')));
} catch (e) {
  usage(`cannot read the key set ${options.jwks}: ${e.message}`);
}

let failures = 0;
for (const [i, token] of tokens.entries()) {
  try {
    // algorithms pins the alg: a token whose header names another is refused, whatever key.
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: options.issuer,
      algorithms: [options.alg],
    });
    console.log(`token ${i + 1}: ok (alg ${protectedHeader.alg}, kid ${protectedHeader.kid}, sub ${payload.sub})`);
  } catch (e) {
    failures++;
    console.error(`token ${i + 1}: ${e.code ?? 'ERROR'}: ${e.message}`);
  }
}
process.exit(failures === 0 ? 0 : 1);
