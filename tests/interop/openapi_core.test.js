'use strict';
// @alicloud/openapi-core 1.x (the newest core of the generated SDKs) against
// kms-refserver: callApi with the generated KMS client's Params, POST,
// parameters in the query; signature V3 (default) and V1 ("v2").

const { openApiCore } = require('./lib/clients');
const { defineScenarios } = require('./lib/scenarios');

defineScenarios('@alicloud/openapi-core V3 POST query', openApiCore(undefined));
defineScenarios('@alicloud/openapi-core V1 POST query', openApiCore('v2'));
