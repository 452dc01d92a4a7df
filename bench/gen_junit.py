#!/usr/bin/env python3
"""Writes a JUnit report of N testcases in kmsconf's default flavour, for
bench/scale.sh: the shape kmsconf writes (codes from the catalog, a
<system-out> with the RequestId and a transcript of ~700 bytes per
testcase, one <failure> listing its checks, <skipped> with a type) and
the order it writes them in (by classname, then name).

  gen_junit.py N OUT [--flip K] [--part I/P] [--target NAME] [--catalog F]

--flip K turns every K-th passing testcase into a failing one (a second
report for `kmsconf diff`); --part I/P keeps testcases i with i % P == I
(disjoint shards for `kmsconf merge`); --target sets kmsconf.target (two
targets for `kmsconf matrix`)."""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("out")
ap.add_argument("--flip", type=int, default=0)
ap.add_argument("--part", default="0/1")
ap.add_argument("--target", default="kms-refserver")
ap.add_argument("--catalog", default="suite/catalog.json")
a = ap.parse_args()
with open(a.catalog) as f:
    codes = [e["code"] for e in json.load(f)["errors"]]
part, parts = (int(x) for x in a.part.split("/"))

TRANSCRIPT = (
    "> POST / HTTP/1.1\n> Host: 127.0.0.1\n"
    "> Content-Type: application/x-www-form-urlencoded\n"
    "> x-acs-signature-nonce: [redacted]\n> Authorization: [redacted]\n>\n"
    "> Action=Encrypt&KeyId=key-%(i)07d&Plaintext=aGVsbG8%%3D&Format=%(fmt)s"
    "&Version=2016-01-20&AccessKeyId=[redacted]&SignatureMethod=HMAC-SHA1\n"
    "< HTTP/1.1 %(status)d\n< Content-Type: application/%(fmt)s\n"
    "< x-acs-request-id: %(rid)s\n<\n"
    "< {\"RequestId\":\"%(rid)s\",\"HostId\":\"kms.cn-hangzhou.aliyuncs.com\","
    "\"Code\":\"%(code)s\",\"Message\":\"The specified parameter is not "
    "valid.\",\"Recommend\":\"https://api.aliyun.com/troubleshoot?q=%(code)s\"}"
    "\n"
)

with open(a.out, "w", buffering=1 << 20) as w:
    w.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kmsconf"'
            ' time="%.3f">\n  <testsuite name="kmsconf" timestamp='
            '"2026-12-03T10:00:00Z" time="%.3f">\n    <properties>\n'
            % (a.n * 0.01, a.n * 0.01))
    for k, v in (("kmsconf.catalog_sha256", "0" * 64),
                 ("kmsconf.target", a.target), ("kmsconf.version", "bench")):
        w.write('      <property name="%s" value="%s"/>\n' % (k, v))
    w.write("    </properties>\n")
    # in kmsconf's order: sorted by classname, then name (strcmp)
    order = sorted(range(part, a.n, parts), key=lambda i: (
        codes[i % len(codes)], "scale/case-%07d [%s]" % (
            i, "json" if i % 2 == 0 else "xml")))
    for i in order:
        code = codes[i % len(codes)]
        fmt = "json" if i % 2 == 0 else "xml"
        rid = "%08X-0000-4000-8000-%012d" % (i, i)
        fail = i % 10 == 3 or (a.flip and i % a.flip == 0)
        skip = not fail and i % 13 == 5
        w.write('    <testcase classname="kmsconf.%s" name="scale/case-%07d '
                '[%s]" time="0.010">\n' % (code, i, fmt))
        if fail:
            m = "status: want 400, got 200; code: want %s, got none" % code
            w.write('      <failure type="status" message="%s"><![CDATA[%s\n'
                    "@@ check status: want 400, got 200\n"
                    "@@ check code: want %s, got none\nthe answer had no Code"
                    "\n]]></failure>\n" % (m, m, code))
        elif skip:
            w.write('      <skipped message="missing-credential: no '
                    'low-quota credential"/>\n')
        w.write("      <system-out><![CDATA[@@ request-id: %s\n@@ transcript\n"
                % rid)
        w.write(TRANSCRIPT % {"i": i, "fmt": fmt, "rid": rid, "code": code,
                              "status": 200 if fail else 400})
        w.write("]]></system-out>\n    </testcase>\n")
    w.write("  </testsuite>\n</testsuites>\n")
