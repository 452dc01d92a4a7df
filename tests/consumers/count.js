// Counts what a JUnit consumer installed in ./node_modules makes of a
// report, as one line "tests=N failures=N errors=N skipped=N known=N"
// (known: skips whose message says "known failure:"), for
// tests/integration/consumers.sh.
//
//   node count.js testmo REPORT.xml     Testmo CLI's own loader, the one
//                                       `testmo automation:run:submit` runs
//                                       before it contacts the server
//                                       (strict mode: a parse error throws)
//   node count.js junit2json OUT.json   the JSON the junit2json CLI printed:
//                                       its testcase elements
//   node count.js junit2json-totals OUT.json
//                                       the same JSON: the totals of its root
'use strict';
const fs = require('fs');
const path = require('path');

const KNOWN = 'known failure:';

function line(c) {
  return `tests=${c.tests} failures=${c.failures} errors=${c.errors} ` +
    `skipped=${c.skipped} known=${c.known}`;
}

function testmo(file) {
  const automation = require(path.join(__dirname, 'node_modules',
    '@testmo', 'testmo-cli', 'dist', 'core', 'automation.js'));
  const results = new automation.AutomationRunResults(true);
  results.loadFromFiles([file]);
  const c = { tests: 0, failures: 0, errors: 0, skipped: 0, known: 0 };
  const key = { failure: 'failures', error: 'errors', skipped: 'skipped' };
  for (const t of results.tests) {
    c.tests++;
    if (key[t.status]) c[key[t.status]]++;
    if (t.status === 'skipped' &&
        (t.fields || []).some((f) => String(f.value).startsWith(KNOWN)))
      c.known++;
  }
  return c;
}

// Every testcase below a junit2json node (a suite or the root).
function cases(node, out) {
  for (const tc of node.testcase || []) out.push(tc);
  for (const s of node.testsuite || []) cases(s, out);
  return out;
}

function junit2json(file) {
  const root = JSON.parse(fs.readFileSync(file, 'utf8'));
  const c = { tests: 0, failures: 0, errors: 0, skipped: 0, known: 0 };
  for (const tc of cases(root, [])) {
    c.tests++;
    if (tc.error) c.errors++;
    else if (tc.failure) c.failures++;
    else if (tc.skipped) {
      c.skipped++;
      if (tc.skipped.some((s) => String(s.message).startsWith(KNOWN)))
        c.known++;
    }
  }
  return c;
}

function junit2jsonTotals(file) {
  const root = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { tests: root.tests, failures: root.failures, errors: root.errors,
    skipped: root.skipped, known: '-' };
}

const how = { testmo, junit2json, 'junit2json-totals': junit2jsonTotals };
const [what, file] = process.argv.slice(2);
if (!how[what] || !file) {
  console.error('usage: node count.js testmo|junit2json|junit2json-totals FILE');
  process.exit(2);
}
console.log(line(how[what](file)));
