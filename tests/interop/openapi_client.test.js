'use strict';
// @alicloud/openapi-client 0.4 (the core of the current generated SDKs, KMS
// included) against kms-refserver: callApi with the generated KMS client's
// Params. Signature V3 (ACS3-HMAC-SHA256, the default) and V1
// (signatureAlgorithm "v2"); business parameters in the query (as the
// generated client sends them), in a form body, or in the query of a GET.

const { openApiClient } = require('./lib/clients');
const { defineScenarios } = require('./lib/scenarios');

const V3 = undefined;
const V1 = 'v2';

defineScenarios('@alicloud/openapi-client V3 POST query', openApiClient(V3, 'POST', 'query'));
defineScenarios('@alicloud/openapi-client V3 POST form body', openApiClient(V3, 'POST', 'body'));
defineScenarios('@alicloud/openapi-client V3 GET query', openApiClient(V3, 'GET', 'query'));
defineScenarios('@alicloud/openapi-client V1 POST query', openApiClient(V1, 'POST', 'query'));
defineScenarios('@alicloud/openapi-client V1 POST form body', openApiClient(V1, 'POST', 'body'));
