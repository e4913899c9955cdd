// `node docs-page.mjs --base URL --root API_ROOT --title TITLE --token JWT --api-key KEY`:
// opens {base}{root}/docs in Debian's headless Chromium through playwright-core and checks that
// Swagger UI renders from files the server itself serves (nothing else is requested), that
// the page's Content-Security-Policy blocks nothing, and that "Authorize" works for both
// schemes: GET /users/me is executed from the page with the bearer token, then with the API
// key alone, and answers 200 each time. Exits 1 with the reason otherwise.
import { chromium } from 'playwright-core';
import { argValue } from './openapi-document.mjs';

const base = argValue('--base');
const root = process.argv.includes('--root') ? argValue('--root') : '';
const title = argValue('--title');
const token = argValue('--token');
const apiKey = argValue('--api-key');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
// One fresh page per scheme: nothing authorised carries over from the other.
async function openDocs() {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const origin = new URL(base).origin;
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`foreign request: ${r.url()}`);
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const response = await page.goto(`${base}${root}/docs`);
  if (response.status() !== 200) throw new Error(`docs page answered ${response.status()}`);
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 20000 });
  const shownTitle = await page.textContent('.swagger-ui .info .title');
  if (!shownTitle.includes(title)) problems.push(`title "${shownTitle}" lacks "${title}"`);
  return page;
}

// Authorises `schemeName` with `value` in the dialog, then executes GET /users/me from the
// page and answers the status it shows and the curl line it made.
async function usersMeWith(schemeName, value) {
  const page = await openDocs();
  await page.click('.scheme-container button.authorize');
  const form = page.locator('.auth-container', { hasText: schemeName });
  await form.locator('input').first().fill(value);
  await form.locator('button.authorize').click();
  await page.click('.modal-ux button.close-modal');

  const op = page.locator('[id^="operations-Users-get_"][id$="users_me"]').first();
  await op.locator('.opblock-summary').click();
  await op.locator('button.try-out__btn').click();
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 20000 });
  const curl = await op.locator('.curl-command').first().textContent();
  const shown = (await status.textContent()).trim();
  const violations = await page.evaluate(() => window.__cspViolations);
  for (const v of violations) problems.push(`CSP violation: ${v}`);
  await page.close();
  return { status: shown, curl };
}

try {
  const withBearer = await usersMeWith('BearerAuth', token);
  if (!withBearer.status.startsWith('200')) problems.push(`bearer: GET /users/me shows ${withBearer.status}`);
  if (!/Authorization: Bearer/i.test(withBearer.curl)) problems.push('bearer: no Authorization header sent');

  const withKey = await usersMeWith('ApiKeyAuth', apiKey);
  if (!withKey.status.startsWith('200')) problems.push(`API key: GET /users/me shows ${withKey.status}`);
  if (!/X-API-Key/i.test(withKey.curl) || /Authorization: Bearer/i.test(withKey.curl)) {
    problems.push(`API key: the request was not made with the key alone: ${withKey.curl}`);
  }
} catch (e) {
  problems.push(`${e.message}`);
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log('docs page: rendered, CSP clean, Authorize works for bearer and API key');
