'use strict';
// The interop scenarios every SDK variant runs against its own kms-refserver.
//
// An SDK variant is a factory makeClient(server, credentials) returning:
//   call(action, params)        -> the success body as a plain object with the
//                                  documented (PascalCase) field names; the
//                                  adapter checks what its SDK exposes of the
//                                  answer (status, RequestId, header)
//   expectError(action, params, code[, arg])
//                               -> resolves once the call failed with the
//                                  documented error `code` (message
//                                  placeholder filled with `arg`), checked the
//                                  way the SDK reports it; resolves to the
//                                  parsed error body
// and options { encryptionContext: false } when the SDK cannot send the
// documented JSON EncryptionContext.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { describe, test, before, after } = require('node:test');

const h = require('./harness');

const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

function label() {
  return `kmsconf-interop-${crypto.randomBytes(4).toString('hex')}`;
}

async function createKey(client, description) {
  const body = await client.call('CreateKey', { Description: description });
  assert.ok(body.KeyMetadata, 'CreateKey: KeyMetadata');
  const md = body.KeyMetadata;
  assert.equal(typeof md.KeyId, 'string', 'CreateKey: KeyMetadata.KeyId');
  assert.ok(md.KeyId.length > 0, 'CreateKey: KeyMetadata.KeyId is empty');
  assert.equal(md.KeyState, 'Enabled', 'CreateKey: KeyMetadata.KeyState');
  assert.equal(md.Description, description, 'CreateKey: KeyMetadata.Description');
  return md.KeyId;
}

function listedKeyIds(body) {
  assert.ok(body.Keys, 'ListKeys: Keys');
  const keys = body.Keys.Key;
  assert.ok(Array.isArray(keys), 'ListKeys: Keys.Key is an array');
  return keys.map((k) => k.KeyId);
}

function listedAliases(body) {
  assert.ok(body.Aliases, 'ListAliases: Aliases');
  const aliases = body.Aliases.Alias;
  assert.ok(Array.isArray(aliases), 'ListAliases: Aliases.Alias is an array');
  return aliases;
}

/**
 * Defines a describe block named `name` that starts one kms-refserver,
 * runs every scenario through makeClient, and stops the server.
 */
function defineScenarios(name, makeClient, options = {}) {
  const withContext = options.encryptionContext !== false;

  describe(name, { timeout: 120000 }, () => {
    let server;
    let client;

    before(async () => {
      server = await h.startRefserver();
      client = makeClient(server, { id: h.ACCESS_KEY_ID, secret: h.ACCESS_KEY_SECRET });
    });

    after(async () => {
      if (server) h.assertCleanExit(await server.stop());
    });

    test('CreateKey then DescribeKey returns the key and its Description', async () => {
      const description = h.edgyDescription(name);
      const keyId = await createKey(client, description);
      const body = await client.call('DescribeKey', { KeyId: keyId });
      assert.equal(body.KeyMetadata.KeyId, keyId, 'DescribeKey: KeyId');
      assert.equal(body.KeyMetadata.Description, description, 'DescribeKey: Description');
      assert.equal(body.KeyMetadata.KeyState, 'Enabled', 'DescribeKey: KeyState');
    });

    test('an empty parameter value is signed and sent as sent', async () => {
      const keyId = await createKey(client, '');
      const body = await client.call('DescribeKey', { KeyId: keyId });
      assert.equal(body.KeyMetadata.Description, '', 'DescribeKey: Description');
    });

    test('a Description of 8192 characters is accepted', async () => {
      const description = `${label()} `.padEnd(8192, 'x~*');
      const keyId = await createKey(client, description);
      const body = await client.call('DescribeKey', { KeyId: keyId });
      assert.equal(body.KeyMetadata.Description, description, 'DescribeKey: Description');
    });

    test('a 4 KiB plaintext round-trips', async () => {
      const keyId = await createKey(client, label());
      const plaintext = crypto.randomBytes(4096).toString('base64');
      const enc = await client.call('Encrypt', { KeyId: keyId, Plaintext: plaintext });
      const dec = await client.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob });
      assert.equal(dec.Plaintext, plaintext, 'Decrypt: Plaintext');
    });

    test('Encrypt and Decrypt round-trip the plaintext', async () => {
      const keyId = await createKey(client, label());
      const plaintext = h.edgyPlaintext();
      const context = { purpose: 'interop', 'a b': 'c&d=e', 'ключ': '値 "q"' };
      const ctx = withContext ? { EncryptionContext: JSON.stringify(context) } : {};
      const enc = await client.call('Encrypt', { KeyId: keyId, Plaintext: plaintext, ...ctx });
      assert.equal(typeof enc.CiphertextBlob, 'string', 'Encrypt: CiphertextBlob');
      assert.notEqual(enc.CiphertextBlob, plaintext, 'Encrypt: CiphertextBlob equals the plaintext');
      assert.equal(enc.KeyId, keyId, 'Encrypt: KeyId');
      const dec = await client.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, ...ctx });
      assert.equal(dec.Plaintext, plaintext, 'Decrypt: Plaintext');
      assert.equal(dec.KeyId, keyId, 'Decrypt: KeyId');
    });

    if (withContext) {
      test('Decrypt with another EncryptionContext does not return the plaintext', async () => {
        const keyId = await createKey(client, label());
        const plaintext = h.edgyPlaintext();
        const enc = await client.call('Encrypt', {
          KeyId: keyId,
          Plaintext: plaintext,
          EncryptionContext: JSON.stringify({ purpose: 'interop' }),
        });
        await client.expectError(
          'Decrypt',
          { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: JSON.stringify({ purpose: 'other' }) },
          'InvalidParameter',
          'CiphertextBlob',
        );
      });
    }

    test('GenerateDataKey returns a data key that Decrypt recovers', async () => {
      const keyId = await createKey(client, label());
      const body = await client.call('GenerateDataKey', { KeyId: keyId, NumberOfBytes: '32' });
      assert.equal(Buffer.from(body.Plaintext, 'base64').length, 32, 'GenerateDataKey: 32 bytes');
      const dec = await client.call('Decrypt', { CiphertextBlob: body.CiphertextBlob });
      assert.equal(dec.Plaintext, body.Plaintext, 'Decrypt of the data key');
    });

    test('CreateAlias, DescribeKey by alias and ListAliases agree', async () => {
      const keyId = await createKey(client, label());
      const alias = `alias/${label()}`;
      await client.call('CreateAlias', { AliasName: alias, KeyId: keyId });
      const body = await client.call('DescribeKey', { KeyId: alias });
      assert.equal(body.KeyMetadata.KeyId, keyId, 'DescribeKey by alias: KeyId');
      const list = await client.call('ListAliases', { PageSize: '100' });
      const found = listedAliases(list).find((a) => a.AliasName === alias);
      assert.ok(found, `ListAliases lists ${alias}`);
      assert.equal(found.KeyId, keyId, 'ListAliases: KeyId of the alias');
      await client.expectError('CreateAlias', { AliasName: alias, KeyId: keyId }, 'AliasAlreadyExists');
    });

    test('concurrent Encrypt and Decrypt calls all round-trip', async () => {
      const keyId = await createKey(client, label());
      const roundTrip = async () => {
        const plaintext = h.edgyPlaintext();
        const enc = await client.call('Encrypt', { KeyId: keyId, Plaintext: plaintext });
        const dec = await client.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob });
        assert.equal(dec.Plaintext, plaintext, 'Decrypt: Plaintext');
      };
      await Promise.all(Array.from({ length: 16 }, roundTrip));
    });

    test('DisableKey makes Encrypt answer Rejected.Disabled until EnableKey', async () => {
      const keyId = await createKey(client, label());
      const plaintext = h.edgyPlaintext();
      await client.call('DisableKey', { KeyId: keyId });
      const body = await client.call('DescribeKey', { KeyId: keyId });
      assert.equal(body.KeyMetadata.KeyState, 'Disabled', 'DescribeKey: KeyState');
      await client.expectError('Encrypt', { KeyId: keyId, Plaintext: plaintext }, 'Rejected.Disabled');
      await client.call('EnableKey', { KeyId: keyId });
      await client.call('Encrypt', { KeyId: keyId, Plaintext: plaintext });
    });

    test('ScheduleKeyDeletion and CancelKeyDeletion', async () => {
      const keyId = await createKey(client, label());
      await client.call('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: '7' });
      const pending = (await client.call('DescribeKey', { KeyId: keyId })).KeyMetadata;
      assert.equal(pending.KeyState, 'PendingDeletion', 'DescribeKey: KeyState');
      assert.match(String(pending.DeleteDate), ISO_TIME, 'DescribeKey: DeleteDate');
      await client.expectError(
        'Encrypt',
        { KeyId: keyId, Plaintext: h.edgyPlaintext() },
        'Rejected.PendingDeletion',
      );
      await client.call('CancelKeyDeletion', { KeyId: keyId });
      const back = (await client.call('DescribeKey', { KeyId: keyId })).KeyMetadata;
      assert.equal(back.KeyState, 'Enabled', 'DescribeKey after CancelKeyDeletion: KeyState');
    });

    test('UpdateAlias moves an alias and DeleteAlias removes it', async () => {
      const first = await createKey(client, label());
      const second = await createKey(client, label());
      const alias = `alias/${label()}`;
      await client.call('CreateAlias', { AliasName: alias, KeyId: first });
      await client.call('UpdateAlias', { AliasName: alias, KeyId: second });
      const moved = await client.call('DescribeKey', { KeyId: alias });
      assert.equal(moved.KeyMetadata.KeyId, second, 'DescribeKey by alias after UpdateAlias');
      await client.call('DeleteAlias', { AliasName: alias });
      await client.expectError('DescribeKey', { KeyId: alias }, 'Forbidden.AliasNotFound');
    });

    test('ListKeyVersions and DescribeKeyVersion name the version Encrypt used', async () => {
      const keyId = await createKey(client, label());
      const enc = await client.call('Encrypt', { KeyId: keyId, Plaintext: h.edgyPlaintext() });
      const list = await client.call('ListKeyVersions', { KeyId: keyId });
      assert.ok(list.KeyVersions && Array.isArray(list.KeyVersions.KeyVersion), 'KeyVersions.KeyVersion');
      const ids = list.KeyVersions.KeyVersion.map((v) => v.KeyVersionId);
      assert.ok(ids.includes(enc.KeyVersionId), `ListKeyVersions lists ${enc.KeyVersionId}`);
      const one = await client.call('DescribeKeyVersion', {
        KeyId: keyId,
        KeyVersionId: enc.KeyVersionId,
      });
      assert.equal(one.KeyVersion.KeyVersionId, enc.KeyVersionId, 'DescribeKeyVersion: KeyVersionId');
      assert.equal(one.KeyVersion.KeyId, keyId, 'DescribeKeyVersion: KeyId');
    });

    test('an EXTERNAL key takes key material wrapped with its import PublicKey', async () => {
      const body = await client.call('CreateKey', { Description: label(), Origin: 'EXTERNAL' });
      const keyId = body.KeyMetadata.KeyId;
      assert.equal(body.KeyMetadata.KeyState, 'PendingImport', 'CreateKey EXTERNAL: KeyState');
      const plaintext = h.edgyPlaintext();
      await client.expectError('Encrypt', { KeyId: keyId, Plaintext: plaintext }, 'Rejected.PendingImport');
      const params = await client.call('GetParametersForImport', {
        KeyId: keyId,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_2048',
      });
      assert.match(String(params.TokenExpireTime), ISO_TIME, 'GetParametersForImport: TokenExpireTime');
      // PublicKey: base64 of a DER SubjectPublicKeyInfo.
      const publicKey = crypto.createPublicKey({
        key: Buffer.from(params.PublicKey, 'base64'),
        format: 'der',
        type: 'spki',
      });
      const wrapped = crypto.publicEncrypt(
        { key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        crypto.randomBytes(32),
      );
      await client.call('ImportKeyMaterial', {
        KeyId: keyId,
        EncryptedKeyMaterial: wrapped.toString('base64'),
        ImportToken: params.ImportToken,
      });
      const md = (await client.call('DescribeKey', { KeyId: keyId })).KeyMetadata;
      assert.equal(md.KeyState, 'Enabled', 'DescribeKey after ImportKeyMaterial: KeyState');
      const enc = await client.call('Encrypt', { KeyId: keyId, Plaintext: plaintext });
      const dec = await client.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob });
      assert.equal(dec.Plaintext, plaintext, 'Decrypt with imported material');
    });

    test('ListKeys lists a created key', async () => {
      const keyId = await createKey(client, label());
      const body = await client.call('ListKeys', { PageSize: '100' });
      assert.ok(listedKeyIds(body).includes(keyId), `ListKeys lists ${keyId}`);
      assert.ok(Number(body.TotalCount) >= 1, 'ListKeys: TotalCount');
    });

    test('DescribeKey of an unknown key answers Forbidden.KeyNotFound', async () => {
      await client.expectError('DescribeKey', { KeyId: h.unknownKeyId() }, 'Forbidden.KeyNotFound');
    });

    test('DescribeKey of an unknown alias answers Forbidden.AliasNotFound', async () => {
      await client.expectError('DescribeKey', { KeyId: `alias/${label()}` }, 'Forbidden.AliasNotFound');
    });

    test('a wrong AccessKeySecret answers IncompleteSignature', async () => {
      const bad = makeClient(server, { id: h.ACCESS_KEY_ID, secret: `${h.ACCESS_KEY_SECRET}-wrong` });
      await bad.expectError('ListKeys', {}, 'IncompleteSignature');
    });

    test('an unknown AccessKeyId answers InvalidAccessKeyId.NotFound', async () => {
      const bad = makeClient(server, { id: `unknown-${crypto.randomUUID()}`, secret: h.ACCESS_KEY_SECRET });
      await bad.expectError('ListKeys', {}, 'InvalidAccessKeyId.NotFound');
    });

    test('a disabled access key answers Forbidden.AccessKey', async () => {
      await makeClient(server, h.DISABLED_KEY).expectError('ListKeys', {}, 'Forbidden.AccessKey');
    });

    test('server faults answer InternalFailure (500) and ServiceUnavailableTemporary (503)', async () => {
      await makeClient(server, h.FAULT_500_KEY).expectError('ListKeys', {}, 'InternalFailure');
      await makeClient(server, h.FAULT_503_KEY).expectError('ListKeys', {}, 'ServiceUnavailableTemporary');
    });

    test('every answer carries its own RequestId', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await client.call('ListKeys', {})).RequestId);
        const err = await client.expectError('DescribeKey', { KeyId: h.unknownKeyId() }, 'Forbidden.KeyNotFound');
        ids.push(err.RequestId);
      }
      assert.equal(new Set(ids).size, ids.length, `RequestIds repeat: ${ids.join(' ')}`);
    });
  });
}

module.exports = { defineScenarios };
