// A client written against the types openapi-typescript generates from our OpenAPI document
// (./schema.d.ts, generated at test time), calling the API through openapi-fetch. tsc checks
// it under `strict`: a route, field or status the document gets wrong stops it compiling or
// running. Flow: register → read the verification email → verify → log in → /users/me →
// create a scoped API key → use it, and see its scope enforced.
import createClient from 'openapi-fetch';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { paths } from './schema.js';

const baseUrl = process.env.BASE_URL ?? '';
const mailDir = process.env.MAIL_DIR ?? '';
const client = createClient<paths>({ baseUrl });

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`client flow: ${what}`);
}

// Quoted-printable (RFC 2045) as the .eml files carry their text parts.
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

async function verificationCode(email: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    // The mailer writes in the background and creates the folder with its first message.
    const names = existsSync(mailDir) ? readdirSync(mailDir) : [];
    for (const name of names.filter((f) => f.endsWith('.eml'))) {
      const text = decodeQuotedPrintable(readFileSync(join(mailDir, name), 'utf8'));
      if (!text.includes(email)) continue;
      const found = /\/verify\/\?code=([A-Za-z0-9._%-]+)/.exec(text);
      if (found?.[1]) return decodeURIComponent(found[1]);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no verification email for ${email} in ${mailDir}`);
}

async function main(): Promise<void> {
  const email = `ts-client-${Date.now()}@example.com`;
  const password = 'Generated-Client-9-Pass!';

  const registered = await client.POST('/register/', {
    body: { email, password, first_name: 'Type', last_name: 'Script' },
  });
  check(registered.response.status === 202, `register answered ${registered.response.status}`);
  check(registered.data?.message !== undefined, 'register message');

  const code = await verificationCode(email);
  const verified = await client.GET('/verify/', { params: { query: { code } } });
  check(verified.response.status === 204, `verify answered ${verified.response.status}`);

  const login = await client.POST('/login/', { body: { email, password } });
  check(login.data !== undefined, `login answered ${login.response.status}`);
  // The document says a sign-in may ask for a second factor instead; this user has none.
  check(!('mfa_required' in login.data), 'a user without TOTP gets tokens at once');
  const pair = login.data as { token: string; refresh: string };
  const bearer = { Authorization: `Bearer ${pair.token}` };

  const me = await client.GET('/users/me', { headers: bearer });
  check(me.data?.email === email, 'GET /users/me shows the new user');

  const created = await client.POST('/users/keys', {
    body: { name: 'generated client', scopes: ['users:read'] },
    headers: bearer,
  });
  check(created.data !== undefined, `create key answered ${created.response.status}`);
  const apiKey = { 'X-API-Key': created.data.key };
  check(created.data.scopes?.[0] === 'users:read', 'the key keeps its scope');

  const viaKey = await client.GET('/users/me', { headers: apiKey });
  check(viaKey.data?.first_name === 'Type', 'the key reads /users/me');

  const outOfScope = await client.GET('/users/keys', { headers: apiKey });
  check(outOfScope.response.status === 403, 'a users:read key may not list keys');
  check(outOfScope.error?.detail !== undefined, '403 carries a detail');

  const refreshed = await client.POST('/refresh/', { body: { refresh: pair.refresh } });
  check(refreshed.data?.token !== undefined, 'refresh answers a new pair');

  console.log('generated client: register, verify, login, me, API key: ok');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
