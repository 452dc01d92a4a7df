#!/usr/bin/env python3
"""A rewriting proxy for tests/integration/real_forms.sh. Standard library
only.

It binds 127.0.0.1 port 0, prints its URL on its first line of stdout and
forwards every request to the kms-refserver at --upstream unchanged: the
same request line, the same headers (names, values, order; written as
"Name: value", without Expect, which the proxy answers itself) and the
same body bytes, so that a V1 or V3 signature still holds. Success answers
come back unchanged. Error answers (HTTP status 400 and above) of a code in
--catalog are rewritten into one of the real forms Alibaba sources document
(docs/sources.md), or, in the control modes, into a form no source
shows:

  wordings      the Message becomes another wording of the same code
                (suite/catalog.json: the seed's other template, or a
                "documented" one of scope kms), chosen per probe and
                turned by --offset, its placeholders filled from the
                original Message or, for <resource> and <string to sign>,
                from the request; only the bytes of the Message change,
                so whatever else the upstream bent (kms-refserver
                --deviate) reaches the client
  gateway       the POP gateway's shape: no HttpStatus, HostId and
                Recommend, upper-case RequestId (header too), XML root
                <Error> without declaration, key order varied, the
                Content-Type of fog/fog-aliyun#32, and the gateway's
                wordings where a code has one; IllegalTimestamp as its
                captures show it (in XML the capture's bytes, --samples),
                Forbidden.NoPermission naming its resource with an
                AccessDeniedDetail (judged with the relaxed envelope)
  gateway-kms   the gateway's wordings alone, in the kms shape (a control:
                the kms rule set does not take them)
  nopermission  Forbidden.NoPermission names its resource (the key's ARN)
                and carries an AccessDeniedDetail object
  seed          IllegalTimestamp answers become the two samples of the KMS
                Responses page (--samples: tests/data/real-answers,
                IllegalTimestamp-2.json and -3.xml), byte for byte but
                their RequestId; other errors are laid out like them
  control       the final period of the Message dropped where no source
                drops it (the run must fail)
  control-case  the case of the Message's first letter changed where no
                source writes it so (the run must fail)

A wording is kept for both formats of one probe: JSON and XML answers to
requests that differ only in Format, Timestamp, SignatureNonce, Signature
and values with digits (UUIDs, ids and tokens made in the run) get the
same one, which the parity check compares. It is a hash of the request
plus --offset, modulo the number of wordings: runs with offsets 0 to n-1
send each probe every wording in turn. --log appends "code<TAB>template"
for every rewritten Message; --coverage LOG... reads such logs back, lists
each wording of a code seen that no rewrite used, and exits 1 if there is
one.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import unescape as xml_unescape

BODY_CAP = 1 << 20  # bytes of one request or answer read at most
UPSTREAM_TIMEOUT_S = 30
REGION = "cn-hangzhou"
ACCOUNT = "1234567890123456"
HOST_ID = "kms.cn-hangzhou.aliyuncs.com"
VOLATILE = {"Signature", "SignatureNonce", "Timestamp", "Format"}
LITERAL_RE = re.compile(r"[A-Za-z_./ -]{0,40}\Z")  # a case's own words
PLACEHOLDER_RE = re.compile(r"<([A-Za-z0-9 _-]+)>")
JSON_MESSAGE_RE = re.compile(rb'"Message"\s*:\s*("(?:[^"\\]|\\.)*")')
XML_FIELD = r"<{0}>(.*?)</{0}>"
XML_ESC = {'"': "&quot;"}
MODES = ("wordings", "gateway", "gateway-kms", "nopermission", "seed",
         "control", "control-case")
# Recommend URLs of the gateway, in the three forms seen over time
RECOMMEND = (
    "https://error-center.aliyun.com/status/search?Keyword={code}"
    "&source=PopGw",
    "https://next.api.aliyun.com/troubleshoot?q={code}&product=Kms",
    "https://api.aliyun.com/troubleshoot?q={code}&product=Kms"
    "&requestId={rid}",
)
# The samples of the KMS Responses page and the gateway's XML capture, in
# --samples (SOURCES.md there)
SAMPLES = {False: "IllegalTimestamp-2.json", True: "IllegalTimestamp-3.xml",
           "gateway": "IllegalTimestamp-1.xml"}
GATEWAY_TIMESTAMP = ('The input parameter "Timestamp" that is mandatory for '
                     'processing this request is not supplied.')
NOPERM_RESOURCE = ("This operation for <resource> is forbidden by permission "
                   "system.")
# fog/fog-aliyun#32 shows the JSON one; the XML one follows it
CT_GATEWAY = {False: "application/json; charset=UTF-8",
              True: "text/xml; charset=UTF-8"}
SAMPLE_ID_RE = {False: re.compile(rb'("RequestId":\s*")[^"]*(")'),
                True: re.compile(rb"(<RequestId>)[^<]*(</RequestId>)")}


def template_regex(tmpl):
    """A regex that reads a Message written from tmpl; its groups are the
    placeholders, in order."""
    out, names, at = "", [], 0
    for m in PLACEHOLDER_RE.finditer(tmpl):
        out += re.escape(tmpl[at:m.start()]) + "(.+?)"
        names.append(m.group(1))
        at = m.end()
    return re.compile(r"\s*" + out + re.escape(tmpl[at:]) + r"\s*\Z",
                      re.S), names


def fill(tmpl, values):
    """tmpl with each placeholder replaced by values[name]; None when a
    value is missing."""
    def one(m):
        v = values.get(m.group(1))
        if v is None:
            raise KeyError(m.group(1))
        return v
    try:
        return PLACEHOLDER_RE.sub(one, tmpl)
    except KeyError:
        return None


class Catalog:
    """suite/catalog.json: per code the seed's templates and the others."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        # the 32 common errors and the documented codes beyond them
        self.entries = {e["code"]: e for e in
                        data["errors"] + data.get("extra", [])}

    def templates(self, code):
        """Every wording of code: (template, scope), the catalog's
        "message" ones (scope "message": the seed's, for the 32) first."""
        e = self.entries.get(code)
        if not e:
            return []
        out = [(t, "message") for t in e["message"]]
        out += [(w["template"], w["scope"]) for w in e.get("documented", [])]
        return out

    def read(self, code, message):
        """(template, values) of the seed template message was written
        from, or None."""
        e = self.entries.get(code)
        for tmpl in e["message"] if e else []:
            rx, names = template_regex(tmpl)
            m = rx.match(message)
            if m:
                return tmpl, dict(zip(names, m.groups()))
        return None


def pct(s):
    return urllib.parse.quote(s, safe="-_.~")


class Request:
    """What the proxy read of one request: its parameters (query and form
    body) and the headers that name the action."""

    def __init__(self, method, path, headers, body):
        self.method = method
        q = urllib.parse.urlsplit(path).query
        self.params = urllib.parse.parse_qsl(q, keep_blank_values=True)
        ctype = headers.get("Content-Type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            self.params += urllib.parse.parse_qsl(
                body.decode("latin-1"), keep_blank_values=True)
        self.action_header = headers.get("x-acs-action", "")

    def get(self, name):
        for k, v in self.params:
            if k == name:
                return v
        return None

    def pair_key(self, code):
        """Equal for the JSON and the XML probe of one case, and from one
        run to the next: a value with a digit in it (ids, tokens, blobs
        and labels made in the run) counts by its name only."""
        kept = sorted((k, v if LITERAL_RE.match(v) else "*")
                      for k, v in self.params if k not in VOLATILE)
        return (code, self.method, self.action_header, tuple(kept))

    def string_to_sign(self):
        """The V1 string to sign of the request, as the gateway quotes it."""
        canon = "&".join(pct(k) + "=" + pct(v) for k, v in
                         sorted(p for p in self.params if p[0] != "Signature"))
        return self.method + "&%2F&" + pct(canon)

    def resource(self):
        """The ARN of what the request is about."""
        key = self.get("KeyId") or self.get("AliasName")
        if key and key.startswith("acs:"):
            return key
        if key and key.startswith("alias/"):
            return "acs:kms:%s:%s:%s" % (REGION, ACCOUNT, key)
        if key:
            return "acs:kms:%s:%s:key/%s" % (REGION, ACCOUNT, key)
        return "acs:kms:%s:%s:key" % (REGION, ACCOUNT)

    def values(self, read_values):
        v = dict(read_values)
        res = self.resource()
        if not re.search(r'[\s"]', res):
            v.setdefault("resource", res)
        v.setdefault("string to sign", self.string_to_sign())
        return v


class Answer:
    """An error answer and the two fields a rewrite reads (None when the
    body does not parse: such an answer passes unchanged)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.xml = body.lstrip()[:1] == b"<"
        self.code = self.message = self.request_id = None
        try:
            self.read_fields()
        except (ValueError, UnicodeDecodeError):
            self.code = None

    def read_fields(self):
        text = self.body.decode("utf-8")
        if self.xml:
            f = {}
            for name in ("Code", "Message", "RequestId"):
                m = re.search(XML_FIELD.format(name), text, re.S)
                f[name] = xml_unescape(m.group(1), {"&quot;": '"'}) \
                    if m else None
        else:
            f = json.loads(text)
            if not isinstance(f, dict):
                return
        if all(isinstance(f.get(k), str) for k in ("Code", "Message")):
            # read up to an escaped NUL, as C readers do: the JSON answer
            # of json-escaped-nul is reworded like its XML twin
            self.code = f["Code"].split("\0", 1)[0]
            self.message = f["Message"]
            self.request_id = f.get("RequestId")

    def with_message(self, message):
        """The body with only the Message's bytes replaced."""
        if self.xml:
            rx = re.compile(XML_FIELD.format("Message").encode(), re.S)
            new = xml_escape(message, XML_ESC).encode()
        else:
            rx = JSON_MESSAGE_RE
            new = json.dumps(message).encode()
        m = rx.search(self.body)
        if not m:
            return self.body
        return self.body[:m.start(1)] + new + self.body[m.end(1):]


def xml_elements(pairs):
    """Elements in order; a dict value becomes child elements."""
    return "".join("<%s>%s</%s>" % (k, xml_elements(v.items()) if
                                    isinstance(v, dict) else
                                    xml_escape(str(v), XML_ESC), k)
                   for k, v in pairs)


class Rewriter:
    """The rewrites of one mode; thread-safe."""

    def __init__(self, catalog, mode, offset, log, samples):
        self.samples = samples
        self.catalog = catalog
        self.mode = mode
        self.offset = offset
        self.log = log
        self.lock = threading.Lock()
        self.count = 0

    def choose(self, req, code, n):
        """The index of the wording (of n) for this request's probe: a
        hash of the probe's request, so that it does not depend on the
        order in which answers come, plus the offset, so that runs with
        offsets 0 to n-1 send each probe every wording."""
        key = repr(req.pair_key(code)).encode()
        return (int(hashlib.sha256(key).hexdigest()[:8], 16) +
                self.offset) % n

    def next_count(self):
        with self.lock:
            self.count += 1
            return self.count

    def note(self, code, tmpl):
        if not self.log:
            return
        with self.lock, open(self.log, "a", encoding="utf-8") as f:
            f.write("%s\t%s\n" % (code, json.dumps(tmpl)))

    def alternatives(self, code, matched, scopes):
        return [t for t, s in self.catalog.templates(code)
                if t != matched and s in scopes]

    def reword(self, req, ans, scopes):
        """Another documented wording of ans's Message, or None."""
        read = self.catalog.read(ans.code, ans.message)
        if not read:
            return None  # not the seed's text: a deviation, kept as is
        alts = self.alternatives(ans.code, read[0], scopes)
        if not alts:
            return None
        values = req.values(read[1])
        first = self.choose(req, ans.code, len(alts))
        for i in range(len(alts)):
            tmpl = alts[(first + i) % len(alts)]
            msg = fill(tmpl, values)
            if msg is not None:
                self.note(ans.code, tmpl)
                return msg
        return None

    def rewrite(self, req, ans):
        """(headers, body) of the rewritten answer, or None to pass it."""
        if ans.code is None or ans.code not in self.catalog.entries:
            return None
        return getattr(self, "mode_" + self.mode.replace("-", "_"))(req, ans)

    def mode_wordings(self, req, ans):
        msg = self.reword(req, ans, ("message", "kms"))
        return (ans.headers, ans.with_message(msg)) if msg else None

    def mode_gateway_kms(self, req, ans):
        msg = self.reword(req, ans, ("gateway",))
        return (ans.headers, ans.with_message(msg)) if msg else None

    def mode_control(self, req, ans):
        read = self.catalog.read(ans.code, ans.message)
        if not read or not read[0].endswith("."):
            return None
        cut = read[0][:-1]
        if any(t == cut for t, _ in self.catalog.templates(ans.code)):
            return None  # a source drops this period: not undocumented
        return ans.headers, ans.with_message(ans.message.rstrip()[:-1])

    def mode_control_case(self, req, ans):
        if not self.catalog.read(ans.code, ans.message):
            return None
        msg = ans.message.lstrip()
        msg = msg[:1].swapcase() + msg[1:]
        if any(template_regex(t)[0].match(msg)
               for t, _ in self.catalog.templates(ans.code)):
            return None  # a source writes it so: not undocumented
        return ans.headers, ans.with_message(msg)

    def mode_gateway(self, req, ans):
        rid = (ans.request_id or "").upper()
        if ans.code == "IllegalTimestamp" and ans.xml:
            # the gateway's capture, byte for byte but the RequestId
            return self.headers_with(ans, CT_GATEWAY[True], rid), \
                SAMPLE_ID_RE[True].sub(lambda m: m.group(1) + rid.encode() +
                                       m.group(2), self.samples["gateway"], 1)
        msg = self.reword(req, ans, ("gateway",)) or ans.message
        if ans.code == "IllegalTimestamp":  # what its captures say
            msg = GATEWAY_TIMESTAMP
        n = self.next_count()
        rec = RECOMMEND[n % len(RECOMMEND)].format(code=ans.code, rid=rid)
        fields = [("RequestId", rid), ("HostId", HOST_ID),
                  ("Code", ans.code), ("Message", msg)]
        if ans.code == "Forbidden.NoPermission":  # as ECS's 403 shows it
            fields[3] = ("Message", self.resource_message(req))
            fields.append(("AccessDeniedDetail", self.denied(req)))
        # the captures of 2018-2019 put Recommend first, later ones last
        fields = ([("Recommend", rec)] + fields if n % 2
                  else fields + [("Recommend", rec)])
        if ans.xml:
            body = "<Error>" + xml_elements(fields) + "</Error>"
        else:
            body = json.dumps(dict(fields), separators=(",", ":"))
        return self.headers_with(ans, CT_GATEWAY[ans.xml], rid), body.encode()

    def headers_with(self, ans, ctype, rid):
        out = []
        for k, v in ans.headers:
            if k.lower() == "content-type":
                v = ctype
            elif k.lower() == "x-acs-request-id":
                v = rid
            out.append((k, v))
        return out

    def resource_message(self, req):
        self.note("Forbidden.NoPermission", NOPERM_RESOURCE)
        return fill(NOPERM_RESOURCE, req.values({}))

    @staticmethod
    def denied(req):
        """An AccessDeniedDetail object, with the fields the SDK models
        read."""
        action = req.get("Action") or req.action_header or "Unknown"
        return dict([
            ("AuthAction", "kms:" + action),
            ("AuthPrincipalType", "SubUser"),
            ("AuthPrincipalOwnerId", ACCOUNT),
            ("AuthPrincipalDisplayName", req.get("AccessKeyId") or "user"),
            ("NoPermissionType", "ImplicitDeny"),
            ("PolicyType", "AccountLevelIdentityBasedPolicy"),
            ("EncodedDiagnosticMessage",
             hashlib.sha256(action.encode()).hexdigest()),
        ])

    def mode_nopermission(self, req, ans):
        if ans.code != "Forbidden.NoPermission":
            return None
        body = ans.with_message(self.resource_message(req))
        detail = self.denied(req)
        if ans.xml:
            extra = xml_elements([("AccessDeniedDetail", detail)]).encode()
            at = body.rindex(b"</")
        else:
            extra = (',"AccessDeniedDetail":' +
                     json.dumps(detail, separators=(",", ":"))).encode()
            at = body.rindex(b"}")
        return ans.headers, body[:at] + extra + body[at:]

    def mode_seed(self, req, ans):
        rid = ans.request_id or ""
        if ans.code == "IllegalTimestamp" and ans.status == 400:
            self.note(ans.code, "sample")
            sample = self.samples[ans.xml]
            return ans.headers, SAMPLE_ID_RE[ans.xml].sub(
                lambda m: m.group(1) + rid.encode() + m.group(2), sample, 1)
        ind = "\n     "
        if ans.xml:
            body = ("<KMS>" + ind + "<HttpStatus>%d</HttpStatus>" % ans.status
                    + ind + xml_elements([("Code", ans.code)]) + ind +
                    "<Message>%s </Message>" % xml_escape(ans.message, XML_ESC)
                    + ind + xml_elements([("RequestId", rid)]) + "\n</KMS>")
        else:
            body = ("{" + ind + '"HttpStatus": %d,' % ans.status + ind +
                    '"Code": %s,' % json.dumps(ans.code) + ind +
                    '"Message": %s,' % json.dumps(ans.message) + ind +
                    '"RequestId": %s' % json.dumps(rid) + "\n}")
        return ans.headers, body.encode()


HOP = {"content-length", "transfer-encoding", "connection", "keep-alive"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes
    upstream = None

    def log_message(self, fmt, *args):
        pass

    def forward(self, body):
        """The upstream's answer: (status, reason, headers, body)."""
        host, port = self.server.upstream
        if self.upstream is None:
            self.upstream = http.client.HTTPConnection(
                host, port, timeout=UPSTREAM_TIMEOUT_S)
        up = self.upstream
        up.putrequest(self.command, self.path, skip_host=True,
                      skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() != "expect":  # 100 Continue was answered here
                up.putheader(k, v)
        up.endheaders(body)
        resp = up.getresponse()
        data = resp.read(BODY_CAP + 1)
        if len(data) > BODY_CAP or resp.will_close:
            up.close()
            self.upstream = None
        return resp.status, resp.reason, resp.getheaders(), data

    def handle_any(self):
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = -1
        if not 0 <= n <= BODY_CAP or "Transfer-Encoding" in self.headers:
            self.send_error(501 if 0 <= n <= BODY_CAP else 413)
            return
        body = self.rfile.read(n)
        try:
            status, reason, headers, data = self.forward(body)
        except (OSError, http.client.HTTPException) as e:
            self.upstream = None
            self.send_error(502, "upstream: %s" % e)
            return
        if status >= 400:
            req = Request(self.command, self.path, self.headers, body)
            out = self.server.rewriter.rewrite(
                req, Answer(status, headers, data))
            if out:
                headers, data = out
        self.send_response_only(status, reason)
        for k, v in headers:
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any
    do_HEAD = do_OPTIONS = handle_any


def coverage(catalog, mode, logs):
    """Wordings of the codes seen in logs that no rewrite used."""
    used = set()
    for path in logs:
        with open(path, encoding="utf-8") as f:
            for line in f:
                code, tmpl = line.rstrip("\n").split("\t", 1)
                used.add((code, json.loads(tmpl)))
    scopes = ("gateway",) if mode.startswith("gateway") else ("kms",)
    missing = []
    for code in sorted({c for c, _ in used}):
        for tmpl, scope in catalog.templates(code):
            if scope in scopes and (code, tmpl) not in used:
                missing.append("%s: %s" % (code, tmpl))
    return missing


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--mode", choices=MODES, required=True)
    ap.add_argument("--upstream", help="http://HOST:PORT of kms-refserver")
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--log")
    ap.add_argument("--samples", default=".",
                    help="tests/data/real-answers (mode seed)")
    ap.add_argument("--coverage", nargs="+", metavar="LOG")
    a = ap.parse_args()
    catalog = Catalog(a.catalog)
    if a.coverage:
        missing = coverage(catalog, a.mode, a.coverage)
        for m in missing:
            print("not used: " + m)
        return 1 if missing else 0
    up = urllib.parse.urlsplit(a.upstream or "")
    if up.scheme != "http" or not up.port:
        ap.error("--upstream must be http://HOST:PORT")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.upstream = (up.hostname, up.port)
    samples = {}
    for xml, name in SAMPLES.items():
        if a.mode in ("seed", "gateway"):
            with open(os.path.join(a.samples, name), "rb") as f:
                samples[xml] = f.read(BODY_CAP)
    srv.rewriter = Rewriter(catalog, a.mode, a.offset, a.log, samples)
    print("http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
