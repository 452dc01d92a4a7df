'use strict';
// Shared helpers for the interop tests: start and stop one kms-refserver per
// test file, the default credentials, and the checks every SDK's error answer
// must pass. Only loopback is used; every wait is bounded.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');

// docs/architecture.md, "Reference server defaults": the default account.
const ACCESS_KEY_ID = 'testid';
const ACCESS_KEY_SECRET = 'testsecret';
// Built-in access keys whose account condition provokes an error.
const DISABLED_KEY = { id: 'testid-disabled', secret: 'testsecret-disabled' };
const FAULT_500_KEY = { id: 'testid-fault500', secret: 'testsecret-fault500' };
const FAULT_503_KEY = { id: 'testid-fault503', secret: 'testsecret-fault503' };
const API_VERSION = '2016-01-20';
const REGION = 'cn-hangzhou';

const START_TIMEOUT_MS = Number(process.env.INTEROP_START_TIMEOUT_MS || 10000);
const STOP_TIMEOUT_MS = 5000;
// Per-request socket timeouts handed to the SDKs so that a silent server
// fails the test instead of hanging it.
const REQUEST_TIMEOUT_MS = 10000;

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The seed's texts (shared/seed: the 32 documented errors) for the errors
// these tests provoke.
const ERRORS = {
  'Forbidden.KeyNotFound': { status: 404, message: 'The specified Key is not found.' },
  'Forbidden.AliasNotFound': { status: 404, message: 'The specified Alias is not found.' },
  IncompleteSignature: {
    status: 400,
    message: 'The request signature does not conform to Alibaba Cloud standards.',
  },
  'InvalidAccessKeyId.NotFound': {
    status: 404,
    message: 'The AccessKey ID provided does not exist in our records.',
  },
  AliasAlreadyExists: { status: 400, message: 'AliasName Already Exists.' },
  'Rejected.Disabled': {
    status: 409,
    message: 'The request was rejected because the key state is Disabled.',
  },
  'Rejected.PendingDeletion': {
    status: 409,
    message: 'The request was rejected because the key state is PendingDeletion.',
  },
  'Rejected.PendingImport': {
    status: 409,
    message: 'The request was rejected because the key state is PendingImport.',
  },
  'Forbidden.AccessKey': { status: 403, message: 'This AccessKey is not enabled.' },
  InternalFailure: { status: 500, message: 'Internal Failure.' },
  ServiceUnavailableTemporary: { status: 503, message: 'Service Unavailable Temporary.' },
  InvalidParameter: { status: 400, message: 'The specified parameter "%s" is not valid.' },
  MissingParameter: { status: 400, message: 'The parameter "%s" is needed but not provided.' },
};

/** { status, message } of a documented error, its placeholder filled with arg. */
function expectedError(code, arg) {
  const want = ERRORS[code];
  if (!want) throw new Error(`test bug: no expectation for ${code}`);
  const hasSlot = want.message.includes('%s');
  if (hasSlot !== (arg !== undefined)) throw new Error(`test bug: placeholder of ${code}`);
  return { status: want.status, message: hasSlot ? want.message.replace('%s', arg) : want.message };
}

function tail(text, max) {
  return text.length > max ? text.slice(text.length - max) : text;
}

/**
 * Starts the binary named by $REFSERVER on 127.0.0.1:0 and resolves once it
 * printed its URL (its first stdout line). Resolves to
 * { url, host, port, stop }, where host is "127.0.0.1:PORT" and stop()
 * sends SIGTERM and resolves to { code, signal, stderr() } once it exited.
 */
function startRefserver(extraArgs = []) {
  const bin = process.env.REFSERVER;
  if (!bin) {
    return Promise.reject(
      new Error('REFSERVER is not set: give the path of the kms-refserver binary'),
    );
  }
  // INTEROP_REFSERVER_ARGS: extra options (space-separated), e.g. to check
  // that the tests fail against a server started with --deviate.
  const envArgs = (process.env.INTEROP_REFSERVER_ARGS || '').split(/\s+/).filter(Boolean);
  const args = ['--listen', '127.0.0.1:0', ...envArgs, ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal, stderr: () => stderr };
      resolve(exited);
    });
  });
  // Never leave a server behind, whatever ends this process.
  const reap = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  exitPromise.then(() => process.removeListener('exit', reap));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = tail(stderr + chunk, 4000);
  });

  async function stop() {
    if (exited) return exited;
    child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
    });
    const result = await Promise.race([exitPromise, timeout]);
    clearTimeout(timer);
    if (result) return result;
    child.kill('SIGKILL');
    await exitPromise;
    throw new Error(`kms-refserver did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
  }

  return new Promise((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`kms-refserver (${bin}): ${why}; stderr: ${tail(stderr, 1000).trim()}`));
    };
    const timer = setTimeout(
      () => fail(`no URL on stdout within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    child.on('error', (e) => fail(`cannot start: ${e.message}`));
    exitPromise.then((r) => fail(`exited before it was ready (code ${r.code}, signal ${r.signal})`));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return;
      stdout += chunk;
      const nl = stdout.indexOf('\n');
      if (nl < 0) {
        if (stdout.length > 1000) fail('first stdout line is too long');
        return;
      }
      const line = stdout.slice(0, nl).trim();
      const m = /^http:\/\/127\.0\.0\.1:([0-9]{1,5})\/?$/.exec(line);
      if (!m || Number(m[1]) === 0 || Number(m[1]) > 65535) {
        fail(`first stdout line is not http://127.0.0.1:PORT: ${JSON.stringify(line)}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      const host = `127.0.0.1:${m[1]}`;
      resolve({ url: `http://${host}`, host, port: Number(m[1]), stop });
    });
  });
}

/**
 * Removes signatures and tokens from text meant for the console (pop-core
 * puts the whole signed URL into its error messages).
 */
function redact(text) {
  return String(text)
    .replace(/((?:^|[?&\s])(?:Signature|SecurityToken|BearerToken)(?:=|%3D))[^&\s,'"]*/gi, '$1<redacted>')
    .replace(/(Signature=)[0-9a-f]{16,}/gi, '$1<redacted>');
}

/**
 * An error to rethrow in place of an unexpected SDK error: same name, code
 * and data, message redacted, and none of the SDK's request objects.
 */
function cleanError(e) {
  if (e && e.code === 'ERR_ASSERTION') return e;
  const out = new Error(redact(e && e.message));
  out.name = (e && e.name) || 'Error';
  if (e && e.code !== undefined) out.code = e.code;
  if (e && e.data !== undefined) out.data = e.data;
  return out;
}

/** Asserts that a server stop was clean (exit code 0 after SIGTERM). */
function assertCleanExit(result) {
  assert.ok(result, 'kms-refserver exit status');
  const why = () => `; its stderr ends with: ${tail(result.stderr(), 2000).trim()}`;
  assert.equal(
    result.signal,
    null,
    `kms-refserver was killed by ${result.signal} instead of exiting cleanly on SIGTERM${why()}`,
  );
  assert.equal(result.code, 0, `kms-refserver exit code after SIGTERM${why()}`);
}

/**
 * Plaintext that exercises percent-encoding in signatures: base64 of bytes
 * that yield '+', '/' and '=' in the encoding, plus some random bytes.
 */
function edgyPlaintext() {
  const fixed = Buffer.from([0xfb, 0xff, 0xbf, 0x3e, 0x3f, 0x00, 0x7e, 0x20]);
  return Buffer.concat([fixed, crypto.randomBytes(21)]).toString('base64');
}

/** A Description with characters whose encoding differs between encoders. */
function edgyDescription(tag) {
  return `kmsconf-interop ${tag} * ~ + / : = & é 鍵 '()!`;
}

/** An unknown but well-formed key id. */
function unknownKeyId() {
  return crypto.randomUUID();
}

/** The documented envelope of an error body (the seed's shape). */
function assertErrorBody(body, code, arg, what) {
  const want = expectedError(code, arg);
  assert.equal(typeof body, 'object', `${what}: error body is not an object`);
  assert.equal(body.Code, code, `${what}: body Code`);
  assert.equal(body.Message, want.message, `${what}: body Message`);
  assert.equal(Number(body.HttpStatus), want.status, `${what}: body HttpStatus`);
  assert.match(String(body.RequestId), LOWER_UUID, `${what}: body RequestId`);
}

module.exports = {
  ACCESS_KEY_ID,
  ACCESS_KEY_SECRET,
  DISABLED_KEY,
  FAULT_500_KEY,
  FAULT_503_KEY,
  API_VERSION,
  REGION,
  REQUEST_TIMEOUT_MS,
  LOWER_UUID,
  ERRORS,
  expectedError,
  startRefserver,
  assertCleanExit,
  edgyPlaintext,
  edgyDescription,
  unknownKeyId,
  assertErrorBody,
  redact,
  cleanError,
};
