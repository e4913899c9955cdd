// `node check-traffic.mjs --binary PATH --traffic DIR`: validates every request/response
// pair the integration tests recorded (tests/integration/traffic_recorder.hpp) against the
// OpenAPI document of the same binary:
//   - a request to a documented path and method must get a status the operation declares;
//   - a JSON answer must match the schema declared for that status (schemas are closed:
//     an undeclared field fails), any other answer must have a declared media type;
//   - a successful request's JSON body must match the declared request schema;
//   - a request to an undocumented path may only be answered 404 or 405, and a path that
//     differs from a documented one by its trailing slash 307.
// Prints every problem with the request that showed it; exits 1 if there is any.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { generateDocument, argValue } from './openapi-document.mjs';

const binary = argValue('--binary');
const trafficDir = argValue('--traffic');

// One document per distinct server configuration in the traffic (API_ROOT, NO_ROOT_ROUTE,
// METRICS_ENABLED, …): each exchange is checked against what that server documents.
const documents = new Map();
function documentFor(config) {
  const key = JSON.stringify(config);
  if (!documents.has(key)) {
    const { text, dir } = generateDocument(binary, config);
    rmSync(dir, { recursive: true, force: true });
    const doc = JSON.parse(text);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // JSON Schema's internationalised address format, which ajv-formats does not have.
    ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
    ajv.addSchema({ $id: 'api', components: doc.components });
    // Templates in document order (the server's matching order), as regular expressions.
    const templates = Object.keys(doc.paths).map((path) => ({
      path,
      regex: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      staticPath: path.includes('{file}') ? new RegExp(`^${path.replace('{file}', '.+')}$`) : null,
    }));
    documents.set(key, { doc, ajv, templates, validators: new Map() });
  }
  return documents.get(key);
}
function validatorFor(d, schema) {
  const key = JSON.stringify(schema);
  if (!d.validators.has(key)) {
    // References point into the document's components, registered under the id "api".
    const resolved = JSON.parse(key.replaceAll('"#/components/', '"api#/components/'));
    d.validators.set(key, d.ajv.compile(resolved));
  }
  return d.validators.get(key);
}
function matches(t, p) { return t.regex.test(p) || (t.staticPath && t.staticPath.test(p)); }

function baseType(contentType) { return (contentType || '').split(';')[0].trim().toLowerCase(); }
function findContent(content, type) {
  if (!content) return undefined;
  if (content[type]) return content[type];
  const [major] = type.split('/');
  return content[`${major}/*`] || content['*/*'];
}

let checked = 0;
let unmatched = 0;
const problems = [];
const statusesSeen = new Map();
function problem(rec, what) {
  problems.push(`${rec.method} ${rec.target} -> ${rec.status} (${rec.file}, ${rec.backend}): ${what}`);
}

function checkRecord(rec) {
  const d = documentFor(rec.config || {});
  const { doc, ajv, templates } = d;
  // Templates hold no escaped characters: match the path as sent (%xx stays one segment).
  const path = rec.target.split('?')[0];
  const method = rec.method.toLowerCase();
  // CORS preflights are answered before routing, for any path (docs/http-api.md §1).
  if (method === 'options') return;
  const byPath = templates.filter((t) => matches(t, path));
  const operationTemplate = byPath.find((t) => doc.paths[t.path][method]);
  if (!operationTemplate) {
    if (byPath.length > 0) {
      if (rec.status !== 405) problem(rec, 'a documented path with an undocumented method must answer 405');
      return;
    }
    const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    if (templates.some((t) => matches(t, other)) && rec.status === 307) return;
    checkUnmatched(rec);
    return;
  }
  const op = doc.paths[operationTemplate.path][method];
  checked += 1;
  const key = `${method.toUpperCase()} ${operationTemplate.path}`;
  if (!statusesSeen.has(key)) statusesSeen.set(key, new Set());
  statusesSeen.get(key).add(rec.status);
  const declared = op.responses[String(rec.status)] || op.responses.default;
  if (!declared) {
    problem(rec, `status ${rec.status} is not declared (declared: ${Object.keys(op.responses).join(', ')})`);
    return;
  }
  const type = baseType(rec.response_type);
  if (rec.response_length > 0 || type) {
    if (rec.status === 304 || rec.status === 204) {
      if (rec.response_length > 0) problem(rec, 'a body on a bodiless status');
    } else {
      const content = findContent(declared.content, type);
      if (!content) {
        problem(rec, `media type "${type}" is not declared for ${rec.status}`);
      } else if (content.schema && rec.response_body !== undefined && type.includes('json') &&
                 method !== 'head') {
        // A HEAD answer has the GET answer's headers and no body (RFC 9110 §9.3.2).
        let body;
        try { body = JSON.parse(rec.response_body); } catch { problem(rec, 'the JSON answer does not parse'); return; }
        const validate = validatorFor(d, content.schema);
        if (!validate(body)) problem(rec, `answer does not match its schema: ${ajv.errorsText(validate.errors)}; body ${rec.response_body.slice(0, 300)}`);
      }
    }
  }
  if (rec.status >= 200 && rec.status < 300 && op.requestBody && rec.request_body) {
    const content = findContent(op.requestBody.content, baseType(rec.request_type));
    if (content && content.schema) {
      let body;
      try { body = JSON.parse(rec.request_body); } catch { problem(rec, 'accepted a request body that is not JSON'); return; }
      const validate = validatorFor(d, content.schema);
      if (!validate(body)) problem(rec, `accepted a request that does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
  }
}

function checkUnmatched(rec) {
  unmatched += 1;
  if (rec.status !== 404 && rec.status !== 405 && rec.status !== 400) {
    problem(rec, 'an undocumented path answered something else than 404/405');
  }
}

let files = [];
try { files = readdirSync(trafficDir).filter((f) => f.endsWith('.jsonl')); } catch { /* none */ }
let records = 0;
for (const file of files) {
  for (const line of readFileSync(join(trafficDir, file), 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line);
    rec.file = file;
    records += 1;
    checkRecord(rec);
  }
}
console.log(`recorded exchanges: ${records} in ${files.length} files; against documented operations: ${checked}; undocumented paths: ${unmatched}`);
const doc = documentFor({}).doc;
const operations = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
const unexercised = operations.filter((o) => !statusesSeen.has(o));
console.log(`operations exercised: ${operations.length - unexercised.length}/${operations.length}${unexercised.length ? ` (not: ${unexercised.join(', ')})` : ''}`);
if (records === 0) {
  console.error('no recorded traffic: the integration tests did not run with GATEHOUSE_TRAFFIC_DIR');
  process.exit(1);
}
const unique = [...new Set(problems)];
for (const p of unique.slice(0, 200)) console.error(p);
if (unique.length > 0) {
  console.error(`${unique.length} distinct problems`);
  process.exit(1);
}
console.log('every recorded exchange matches the document');
