'use strict';
// Captures what each official SDK variant sends, for the server's authors:
// runs every variant against a small logging HTTP server on 127.0.0.1:0 that
// answers with canned KMS-shaped bodies, and prints the raw requests as
// Markdown on stdout. The canned answers also check that each variant parses
// a documented success and error answer the way lib/clients.js expects.
//
//   node capture.js > sdk-requests.md
//
// Credentials are the reference server's test pair (testid / testsecret), so
// the captured Signature values are usable as test vectors.

const http = require('node:http');
const crypto = require('node:crypto');

const h = require('./lib/harness');
const clients = require('./lib/clients');

const BODY_LIMIT = 256 * 1024;

function actionOf(req, url, form) {
  return url.searchParams.get('Action') || form.get('Action') || req.headers['x-acs-action'] || '';
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'x-acs-request-id': body.RequestId,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function cannedAnswer(action, params) {
  const RequestId = crypto.randomUUID();
  switch (action) {
    case 'DescribeKey':
      return [404, { HttpStatus: 404, Code: 'Forbidden.KeyNotFound', Message: 'The specified Key is not found.', RequestId }];
    case 'Encrypt':
      return [200, { RequestId, KeyId: params.get('KeyId') || '', KeyVersionId: 'v1', CiphertextBlob: 'Y2FwdHVyZQ==' }];
    default:
      return [200, { RequestId }];
  }
}

function startLoggingServer(log) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_LIMIT) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://capture');
      const form = new URLSearchParams(body);
      const action = actionOf(req, url, form);
      log.push({ method: req.method, url: req.url, headers: req.rawHeaders, body });
      const all = new URLSearchParams([...url.searchParams, ...form]);
      const [status, answerBody] = cannedAnswer(action, all);
      answer(res, status, answerBody);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` });
    });
  });
}

const VARIANTS = [
  ['@alicloud/pop-core 1.8.0, GET', clients.popCore('GET')],
  ['@alicloud/pop-core 1.8.0, POST', clients.popCore('POST')],
  ['@alicloud/kms20160120 1.2.0 (rpc-client 1.3.2), V1 POST', clients.kms20160120()],
  ['@alicloud/openapi-client 0.4.15, V3 POST, params in query (generated-SDK style)', clients.openApiClient(undefined, 'POST', 'query')],
  ['@alicloud/openapi-client 0.4.15, V3 POST, params in form body', clients.openApiClient(undefined, 'POST', 'body')],
  ['@alicloud/openapi-client 0.4.15, V3 GET', clients.openApiClient(undefined, 'GET', 'query')],
  ['@alicloud/openapi-client 0.4.15, V1 (signatureAlgorithm "v2") POST, params in query', clients.openApiClient('v2', 'POST', 'query')],
  ['@alicloud/openapi-client 0.4.15, V1 (signatureAlgorithm "v2") POST, params in form body', clients.openApiClient('v2', 'POST', 'body')],
  ['@alicloud/openapi-core 1.0.8, V3 POST, params in query', clients.openApiCore(undefined)],
  ['@alicloud/openapi-core 1.0.8, V1 (signatureAlgorithm "v2") POST, params in query', clients.openApiCore('v2')],
];

function formatRequest(r) {
  const lines = [`${r.method} ${r.url}`];
  for (let i = 0; i + 1 < r.headers.length; i += 2) lines.push(`${r.headers[i]}: ${r.headers[i + 1]}`);
  lines.push('');
  if (r.body) lines.push(r.body);
  return lines.join('\n');
}

async function captureVariant(name, make, out) {
  const log = [];
  const srv = await startLoggingServer(log);
  const client = make(srv, { id: h.ACCESS_KEY_ID, secret: h.ACCESS_KEY_SECRET });
  const typedContext = name.includes('kms20160120');
  const context = typedContext ? { Example: 'Example' } : JSON.stringify({ Example: 'Example' });
  const notes = [];
  try {
    await client.call('Encrypt', { KeyId: 'key-abc', Plaintext: 'SGVsbG8gd29ybGQ=', EncryptionContext: context });
    notes.push('success answer parsed as expected');
  } catch (e) {
    notes.push(`success answer NOT parsed as expected: ${e.message}`);
  }
  try {
    await client.expectError('DescribeKey', { KeyId: 'key-unknown' }, 'Forbidden.KeyNotFound');
    notes.push('error answer parsed as expected');
  } catch (e) {
    notes.push(`error answer NOT parsed as expected: ${e.message}`);
  }
  srv.server.close();
  out.push(`## ${name}\n`);
  for (const n of notes) out.push(`- ${n}`);
  out.push('');
  for (const r of log) out.push('```http\n' + formatRequest(r) + '\n```\n');
  return notes.every((n) => n.endsWith('as expected'));
}

async function main() {
  const out = [
    '# What the official Node SDKs send (captured)',
    '',
    `Generated by tests/interop/capture.js on ${new Date().toISOString()} with node ${process.version}.`,
    'Each variant sent Encrypt (KeyId=key-abc, Plaintext=SGVsbG8gd29ybGQ=, EncryptionContext {"Example":"Example"})',
    'and DescribeKey (KeyId=key-unknown, answered 404 Forbidden.KeyNotFound) to a logging server;',
    'AccessKeyId testid, AccessKeySecret testsecret. Headers are as received (raw case and order).',
    '',
  ];
  let ok = true;
  for (const [name, make] of VARIANTS) ok = (await captureVariant(name, make, out)) && ok;
  process.stdout.write(out.join('\n') + '\n');
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  console.error(`capture.js: ${e.stack || e}`);
  process.exitCode = 1;
});
