// A webhook receiver for the tests: an HTTP server on 127.0.0.1 that verifies every request
// with the Standard Webhooks reference library (npm `standardwebhooks`), logs it, and answers
// as a control file says. C++ tests start it through tests/support/webhook_receiver.hpp.
//
//   node webhook-receiver.mjs --secret whsec_... --log FILE --control FILE [--port N]
//
// Prints the port it listens on (0 = any free port, the default) as the first line of stdout.
// Every request appends one JSON line to --log:
//   {"id": webhook-id header or null, "type": the body's "type" or null,
//    "verified": true|false (Webhook(secret).verify(body, headers) passed),
//    "status_answered": the status sent (null when the connection was closed without one),
//    "at_ms": Date.now() on arrival, "body": the raw body}
// The control file is read again for every request; missing or invalid means {"mode": "ok"}:
//   "mode": "ok"       200 when verified, 401 when not (what a real receiver does)
//           "status"   answer "status" (default 500) whatever the verification says
//   "status": 503, "retry_after": "3"   (the Retry-After header, sent as given)
//   "hang_ms": 5000                     wait this long before answering
//   "redirect": "http://…"              answer 302 with this Location
//   "close_mid_response": true          send the status line and half a body, then close
//   "no_response": true                 close the connection without answering
// Stops on SIGTERM or SIGINT.
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

const { values: args } = parseArgs({
  options: {
    secret: { type: 'string' },
    log: { type: 'string' },
    control: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
for (const name of ['secret', 'log', 'control']) {
  if (!args[name]) {
    console.error(`webhook-receiver: --${name} is required`);
    process.exit(2);
  }
}
const webhook = new Webhook(args.secret);

function readControl() {
  try {
    const control = JSON.parse(readFileSync(args.control, 'utf8'));
    return control && typeof control === 'object' ? control : { mode: 'ok' };
  } catch {
    return { mode: 'ok' };
  }
}

function verify(body, headers) {
  try {
    webhook.verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

function eventType(body) {
  try {
    const type = JSON.parse(body).type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

// The status this request gets, or null when the connection is closed without one.
function plannedStatus(control, verified) {
  if (control.no_response) return null;
  if (control.redirect) return 302;
  if (control.mode === 'status') return Number(control.status ?? 500);
  return verified ? 200 : 401;
}

function answer(res, control, status) {
  if (status === null) {
    res.socket.destroy();
    return;
  }
  const headers = { 'content-type': 'application/json', connection: 'close' };
  if (control.retry_after !== undefined) headers['retry-after'] = String(control.retry_after);
  if (control.redirect) headers.location = control.redirect;
  const body = JSON.stringify({ status });
  if (control.close_mid_response) {
    headers['content-length'] = String(body.length * 2);
    res.writeHead(status, headers);
    res.write(body, () => res.socket.destroy());
    return;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}

const server = createServer((req, res) => {
  const at = Date.now();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const control = readControl();
    const verified = verify(body, req.headers);
    const status = plannedStatus(control, verified);
    const line = {
      id: req.headers['webhook-id'] ?? null,
      type: eventType(body),
      verified,
      status_answered: status,
      at_ms: at,
      body,
    };
    appendFileSync(args.log, `${JSON.stringify(line)}\n`);
    const hang = Number(control.hang_ms ?? 0);
    if (hang > 0) {
      setTimeout(() => answer(res, control, status), hang);
    } else {
      answer(res, control, status);
    }
  });
});

server.listen(Number(args.port), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.closeAllConnections?.();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  });
}
