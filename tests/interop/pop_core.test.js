'use strict';
// @alicloud/pop-core (RPCClient, signature V1) against kms-refserver: GET
// (every parameter in the query) and POST (every parameter, Signature
// included, in an application/x-www-form-urlencoded body).

const { popCore } = require('./lib/clients');
const { defineScenarios } = require('./lib/scenarios');

defineScenarios('@alicloud/pop-core V1 GET', popCore('GET'));
defineScenarios('@alicloud/pop-core V1 POST', popCore('POST'));
