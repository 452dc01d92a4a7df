'use strict';
// @alicloud/kms20160120 1.x (the generated KMS client on @alicloud/rpc-client:
// signature V1, POST, every parameter in the query, typed request and
// response models) against kms-refserver.

const { kms20160120 } = require('./lib/clients');
const { defineScenarios } = require('./lib/scenarios');

// The SDK types EncryptionContext as a map and flattens it into
// EncryptionContext.<name>=<value> parameters instead of the documented JSON
// string, so the JSON-context scenarios are left out here.
defineScenarios('@alicloud/kms20160120 (rpc-client) V1 POST', kms20160120(), {
  encryptionContext: false,
});
