'use strict';
// The interop checks must be able to fail: against a kms-refserver started
// with --deviate CHECK, each SDK variant's expectError() must reject a
// documented error answer that breaks that one check.

const assert = require('node:assert/strict');
const { describe, test, before, after } = require('node:test');

const h = require('./lib/harness');
const clients = require('./lib/clients');

const VARIANTS = [
  ['pop-core GET', clients.popCore('GET')],
  ['kms20160120', clients.kms20160120()],
  ['openapi-client V3', clients.openApiClient(undefined, 'POST', 'query')],
  ['openapi-client V1', clients.openApiClient('v2', 'POST', 'query')],
  ['openapi-core V3', clients.openApiCore(undefined)],
];

// Deviation -> the variants that can see it. The tea-based SDKs expose no
// headers of error answers and do not look at the Content-Type of JSON.
const DEVIATIONS = {
  status: VARIANTS,
  code: VARIANTS,
  message: VARIANTS,
  'request-id': VARIANTS,
  envelope: VARIANTS,
  format: VARIANTS,
  'request-id-header': VARIANTS.slice(0, 1),
  'content-type': VARIANTS.slice(0, 1),
};

for (const [deviation, variants] of Object.entries(DEVIATIONS)) {
  describe(`--deviate ${deviation}`, { timeout: 60000 }, () => {
    let server;

    before(async () => {
      server = await h.startRefserver(['--allow-deviations', '--deviate', deviation]);
    });

    after(async () => {
      if (server) h.assertCleanExit(await server.stop());
    });

    for (const [name, makeClient] of variants) {
      test(`${name} rejects the deviant answer`, async () => {
        const client = makeClient(server, { id: h.ACCESS_KEY_ID, secret: h.ACCESS_KEY_SECRET });
        await assert.rejects(
          client.expectError('DescribeKey', { KeyId: h.unknownKeyId() }, 'Forbidden.KeyNotFound'),
          (e) => e instanceof assert.AssertionError,
        );
      });
    }
  });
}
