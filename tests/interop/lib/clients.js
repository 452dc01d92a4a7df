'use strict';
// The SDK variants the interop tests drive. Each factory returns
// makeClient(server, { id, secret }) -> { send, call, expectError }:
//   send(action, params)  the bare SDK call (no checks), for capture.js
//   call / expectError    as described in lib/scenarios.js
// Parameters are given with their wire names ({ KeyId: '...' }).

const assert = require('node:assert/strict');

const h = require('./harness');

/** Runs fn, which must throw; returns what it threw. */
async function failure(action, code, fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e.data, `${action}: expected ${code}, the SDK raised ${h.redact(e.message)}`);
    return e;
  }
  assert.fail(`${action}: expected ${code}, got success`);
}

/** The answer is JSON (the SDKs ask for JSON; docs/architecture.md). */
function assertJsonType(action, headers) {
  assert.match(
    String(headers['content-type']),
    /^application\/json\s*;\s*charset=utf-8$/i,
    `${action}: Content-Type`,
  );
}

/** fn whose unexpected errors are rethrown with signatures redacted. */
function redacting(fn) {
  return async (action, params) => {
    try {
      return await fn(action, params);
    } catch (e) {
      throw h.cleanError(e);
    }
  };
}

// @alicloud/pop-core RPCClient, signature V1. GET puts every parameter in the
// query; POST puts every parameter, Signature included, in a form body.
function popCore(method) {
  const { RPCClient } = require('@alicloud/pop-core');
  return (server, cred) => {
    // verbose: request() resolves to [body, entry], entry holding the
    // answer's status and headers.
    const client = new RPCClient(
      {
        accessKeyId: cred.id,
        accessKeySecret: cred.secret,
        endpoint: server.url,
        apiVersion: h.API_VERSION,
      },
      true,
    );
    const send = (action, params) =>
      client.request(action, params, { method, timeout: h.REQUEST_TIMEOUT_MS });

    const call = redacting(async (action, params) => {
      const [body, entry] = await send(action, params);
      assert.equal(entry.response.statusCode, 200, `${action}: HTTP status`);
      assert.match(String(body.RequestId), h.LOWER_UUID, `${action}: RequestId`);
      assert.equal(
        entry.response.headers['x-acs-request-id'],
        body.RequestId,
        `${action}: x-acs-request-id header`,
      );
      assertJsonType(action, entry.response.headers);
      return body;
    });

    async function expectError(action, params, code, arg) {
      const want = h.expectedError(code, arg);
      const err = await failure(action, code, () => send(action, params));
      // What pop-core derives from the body: code, name, message, data.
      assert.equal(err.code, code, `${action}: err.code`);
      assert.equal(err.name, `${code}Error`, `${action}: err.name`);
      assert.ok(
        err.message.startsWith(`${want.message}, URL: `),
        `${action}: err.message ${h.redact(err.message)}`,
      );
      h.assertErrorBody(err.data, code, arg, action);
      assert.equal(err.entry.response.statusCode, want.status, `${action}: HTTP status`);
      assert.equal(
        err.entry.response.headers['x-acs-request-id'],
        err.data.RequestId,
        `${action}: x-acs-request-id header`,
      );
      assertJsonType(action, err.entry.response.headers);
      return err.data;
    }

    return { send, call, expectError };
  };
}

// @alicloud/kms20160120 1.x: the generated KMS client on @alicloud/rpc-client,
// signature V1, POST with every parameter in the query. Requests are the SDK's
// typed request models and answers are cast into its typed response models: a
// field the server names differently from the model is lost in the cast.
function kms20160120() {
  const Kms = require('@alicloud/kms20160120');
  const { Config } = require('@alicloud/rpc-client');
  const $tea = require('@alicloud/tea-typescript');

  // { KeyId: 'x' } -> new Kms.<Action>Request({ keyId: 'x' }), through the
  // model's own name table.
  function typedRequest(action, params) {
    const Model = Kms[`${action}Request`];
    assert.ok(Model, `test bug: no ${action}Request in @alicloud/kms20160120`);
    const names = Model.names();
    const types = Model.types();
    const map = {};
    for (const [wire, value] of Object.entries(params)) {
      const field = Object.keys(names).find((f) => names[f] === wire);
      assert.ok(field, `test bug: ${action}Request has no ${wire}`);
      map[field] = types[field] === 'number' ? Number(value) : value;
    }
    return new Model(map);
  }

  return (server, cred) => {
    const client = new Kms.default(
      new Config({
        accessKeyId: cred.id,
        accessKeySecret: cred.secret,
        endpoint: server.host,
        protocol: 'http',
        regionId: h.REGION,
        readTimeout: h.REQUEST_TIMEOUT_MS,
        connectTimeout: h.REQUEST_TIMEOUT_MS,
      }),
    );

    const send = (action, params) => {
      const method = action.charAt(0).toLowerCase() + action.slice(1);
      assert.equal(typeof client[method], 'function', `test bug: no client.${method}`);
      return client[method](typedRequest(action, params));
    };

    const call = redacting(async (action, params) => {
      const typed = await send(action, params);
      assert.match(String(typed.requestId), h.LOWER_UUID, `${action}: requestId`);
      // Back to the wire names, keeping only what the SDK's model understood.
      return $tea.toMap(typed);
    });

    async function expectError(action, params, code, arg) {
      const want = h.expectedError(code, arg);
      const err = await failure(action, code, () => send(action, params));
      // rpc-client: code "<Code>Error", message "<Code>Error: code: <status>,
      // <Message> requestid: <RequestId>", data the parsed body.
      assert.equal(err.code, `${code}Error`, `${action}: err.code`);
      h.assertErrorBody(err.data, code, arg, action);
      assert.equal(
        err.message,
        `${code}Error: code: ${want.status}, ${want.message} requestid: ${err.data.RequestId}`,
        `${action}: err.message`,
      );
      return err.data;
    }

    return { send, call, expectError };
  };
}

// The Params the generated KMS clients on openapi-client/openapi-core use.
function kmsParams(Params, action, method) {
  return new Params({
    action,
    version: h.API_VERSION,
    protocol: 'HTTPS',
    pathname: '/',
    method,
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
}

function assertSuccess(action, resp) {
  assert.equal(resp.statusCode, 200, `${action}: HTTP status`);
  assert.match(String(resp.body.RequestId), h.LOWER_UUID, `${action}: RequestId`);
  assert.equal(
    resp.headers['x-acs-request-id'],
    resp.body.RequestId,
    `${action}: x-acs-request-id header`,
  );
  return resp.body;
}

function assertTeaMessage(action, err, want) {
  assert.equal(
    err.message,
    `${err.data.Code}: code: ${want.status}, ${want.message} request id: ${err.data.RequestId}`,
    `${action}: err.message`,
  );
}

// @alicloud/openapi-client 0.4 callApi. sig: undefined (V3, ACS3-HMAC-SHA256,
// the default) or 'v2' (V1); method 'POST' or 'GET'; placement 'query' (as
// the generated KMS client sends) or 'body' (a form body).
function openApiClient(sig, method, placement) {
  const OpenApi = require('@alicloud/openapi-client');
  const OpenApiUtil = require('@alicloud/openapi-util').default;
  const Util = require('@alicloud/tea-util');
  return (server, cred) => {
    const config = new OpenApi.Config({
      accessKeyId: cred.id,
      accessKeySecret: cred.secret,
      endpoint: server.host,
      protocol: 'http',
      regionId: h.REGION,
      readTimeout: h.REQUEST_TIMEOUT_MS,
      connectTimeout: h.REQUEST_TIMEOUT_MS,
    });
    if (sig) config.signatureAlgorithm = sig;
    const client = new OpenApi.default(config);

    const send = (action, params) => {
      const fields = OpenApiUtil.query(params);
      const req = new OpenApi.OpenApiRequest(
        placement === 'body' ? { body: fields } : { query: fields },
      );
      const runtime = new Util.RuntimeOptions({
        readTimeout: h.REQUEST_TIMEOUT_MS,
        connectTimeout: h.REQUEST_TIMEOUT_MS,
      });
      return client.callApi(kmsParams(OpenApi.Params, action, method), req, runtime);
    };

    const call = redacting(async (action, params) => assertSuccess(action, await send(action, params)));

    async function expectError(action, params, code, arg) {
      const want = h.expectedError(code, arg);
      const err = await failure(action, code, () => send(action, params));
      // openapi-client: code = Code, data = body + statusCode.
      assert.equal(err.code, code, `${action}: err.code`);
      assert.equal(err.data.statusCode, want.status, `${action}: err.data.statusCode`);
      h.assertErrorBody(err.data, code, arg, action);
      assertTeaMessage(action, err, want);
      return err.data;
    }

    return { send, call, expectError };
  };
}

// @alicloud/openapi-core 1.x callApi, POST, parameters in the query; sig as
// for openApiClient. Its errors are typed (ClientError for 4xx, ServerError
// for 5xx) and carry statusCode and requestId.
function openApiCore(sig) {
  const Core = require('@alicloud/openapi-core');
  const $dara = require('@darabonba/typescript');
  const { $OpenApiUtil, OpenApiUtil } = Core;
  return (server, cred) => {
    const config = new $OpenApiUtil.Config({
      accessKeyId: cred.id,
      accessKeySecret: cred.secret,
      endpoint: server.host,
      protocol: 'http',
      regionId: h.REGION,
      readTimeout: h.REQUEST_TIMEOUT_MS,
      connectTimeout: h.REQUEST_TIMEOUT_MS,
    });
    if (sig) config.signatureAlgorithm = sig;
    const client = new Core.default(config);

    const send = (action, params) => {
      const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(params) });
      const runtime = new $dara.RuntimeOptions({
        readTimeout: h.REQUEST_TIMEOUT_MS,
        connectTimeout: h.REQUEST_TIMEOUT_MS,
      });
      return client.callApi(kmsParams($OpenApiUtil.Params, action, 'POST'), req, runtime);
    };

    const call = redacting(async (action, params) => assertSuccess(action, await send(action, params)));

    async function expectError(action, params, code, arg) {
      const want = h.expectedError(code, arg);
      const err = await failure(action, code, () => send(action, params));
      const Kind = want.status >= 500 ? Core.ServerError : Core.ClientError;
      assert.ok(err instanceof Kind, `${action}: error class ${err.name}`);
      assert.equal(err.code, code, `${action}: err.code`);
      assert.equal(err.statusCode, want.status, `${action}: err.statusCode`);
      assert.equal(err.requestId, err.data.RequestId, `${action}: err.requestId`);
      h.assertErrorBody(err.data, code, arg, action);
      assertTeaMessage(action, err, want);
      return err.data;
    }

    return { send, call, expectError };
  };
}

module.exports = { popCore, kms20160120, openApiClient, openApiCore };
