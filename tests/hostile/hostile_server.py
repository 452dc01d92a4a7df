#!/usr/bin/env python3
"""A hostile HTTP server for tests/hostile: every request it reads, whatever
it asks, gets the answer of one pathology (--mode). Standard library only.

It binds 127.0.0.1 port 0, writes the port it got to --port-file (written to
a temporary name and renamed, so a reader never sees half of it), prints its
URL on a line of its own to stdout, and serves one request per connection,
each in its own thread, until SIGTERM.

Modes that need more than the answer:
  redirect  also listens on a second port (--sink-port-file) and appends one
            line per request it receives there to --sink-log;
  xxe       names --canary in its DOCTYPE (SYSTEM "file://<canary>");
  echo      appends every Signature it was sent to --sig-log;
  tls       wraps every connection with --cert and --key (--tls-log:
            one line per handshake, full or resumed).
"""

import argparse
import gzip
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import uuid
import zlib

REQUEST_CAP = 1 << 20  # bytes of one request read at most
READ_TIMEOUT_S = 10
MISSING = 'The parameter "KeyId" is needed but not provided.'


def read_request(sock):
    """The request line, headers and body (bytes), or None."""
    sock.settimeout(READ_TIMEOUT_S)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > REQUEST_CAP:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    want = min(int(m.group(1)), REQUEST_CAP) if m else 0
    while len(body) < want:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def params_of(head, body):
    """The query and form parameters of a request, as one dict."""
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    target = parts[1] if len(parts) > 1 else "/"
    query = urllib.parse.urlsplit(target).query
    p = dict(urllib.parse.parse_qsl(query))
    p.update(urllib.parse.parse_qsl(body.decode("latin-1")))
    return p


def kms_error(xml, code, message, rid):
    """A documented KMS error envelope (status 400) in JSON or XML."""
    if xml:
        esc = (message.replace("&", "&amp;").replace("<", "&lt;")
               .replace('"', "&quot;"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<KMS>'
                "<HttpStatus>400</HttpStatus><Code>%s</Code>"
                "<Message>%s</Message><RequestId>%s</RequestId></KMS>"
                % (code, esc, rid)).encode()
    return json.dumps({"HttpStatus": 400, "Code": code, "Message": message,
                       "RequestId": rid}, separators=(",", ":")).encode()


def good_answer(p):
    """What kms-refserver would say: ListKeys succeeds (the preflight),
    anything else is the MissingParameter of a DescribeKey without KeyId.
    Returns (status, content type, body, request id)."""
    xml = p.get("Format") == "XML"
    rid = str(uuid.uuid4())
    ctype = "text/xml;charset=utf-8" if xml else "application/json;charset=utf-8"
    if p.get("Action") == "ListKeys":
        if xml:
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<KMS>'
                    "<PageNumber>1</PageNumber><PageSize>1</PageSize>"
                    "<TotalCount>0</TotalCount><Keys></Keys>"
                    "<RequestId>%s</RequestId></KMS>" % rid).encode()
        else:
            body = json.dumps({"PageNumber": 1, "PageSize": 1,
                               "TotalCount": 0, "Keys": {"Key": []},
                               "RequestId": rid}).encode()
        return 200, ctype, body, rid
    return 400, ctype, kms_error(xml, "MissingParameter", MISSING, rid), rid


def head_bytes(status, headers):
    reasons = {200: "OK", 302: "Found", 400: "Bad Request"}
    lines = ["HTTP/1.1 %d %s" % (status, reasons.get(status, "Hostile"))]
    lines += ["%s: %s" % h for h in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def simple(status, ctype, body, rid, extra=(), length=None):
    hdrs = [("Content-Type", ctype), ("x-acs-request-id", rid)]
    hdrs += list(extra)
    hdrs.append(("Content-Length", str(len(body) if length is None
                                       else length)))
    hdrs.append(("Connection", "close"))
    return head_bytes(status, hdrs) + body


def bomb_xml():
    ents = ['<!ENTITY e0 "ha">']
    for i in range(1, 11):
        ents.append('<!ENTITY e%d "%s">' % (i, ("&e%d;" % (i - 1)) * 10))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE KMS [%s]>\n'
            "<KMS><HttpStatus>400</HttpStatus><Code>&e10;</Code>"
            "<Message>&e10;</Message><RequestId>%s</RequestId></KMS>"
            % ("".join(ents), uuid.uuid4())).encode()


def xxe_xml(canary):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE KMS [<!ENTITY leak SYSTEM "file://%s">]>\n'
            "<KMS><HttpStatus>400</HttpStatus><Code>MissingParameter</Code>"
            "<Message>&leak;</Message><RequestId>%s</RequestId></KMS>"
            % (canary, uuid.uuid4())).encode()


GZIP_BOMB = None


def gzip_bomb():
    """256 MiB of zeros, gzipped once (about 250 KB, under the body cap)."""
    global GZIP_BOMB
    if GZIP_BOMB is None:
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(1 << 20)
        parts = [c.compress(zeros) for _ in range(256)]
        parts.append(c.flush())
        GZIP_BOMB = b"".join(parts)
    return GZIP_BOMB


def send_forever(sock, first, chunk, limit_s=120):
    """Sends first, then chunk again and again until the peer goes."""
    sock.sendall(first)
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        sock.sendall(chunk)


def answer_stream(sock, mode, p):
    """The modes that do more than send one byte string."""
    status, ctype, body, rid = good_answer(p)
    if mode == "huge":
        hdr = simple(400, ctype, b"", rid, length=64 << 20)
        pad = b"A" * 65536
        sock.sendall(hdr)
        for _ in range(1024):  # 64 MiB at most
            sock.sendall(pad)
    elif mode == "chunked":
        hdr = head_bytes(400, [("Content-Type", ctype),
                               ("x-acs-request-id", rid),
                               ("Transfer-Encoding", "chunked")])
        send_forever(sock, hdr, b"10000\r\n" + b"A" * 65536 + b"\r\n")
    elif mode == "drip":
        for b in simple(status, ctype, body, rid):
            sock.sendall(bytes([b]))
            time.sleep(0.5)
    elif mode == "reset":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    elif mode == "close":
        pass
    else:
        return False
    return True


def answer_bytes(mode, p, opts):
    """The whole answer of every other mode, as bytes."""
    status, ctype, body, rid = good_answer(p)
    xml_ct = "text/xml;charset=utf-8"
    json_ct = "application/json;charset=utf-8"
    if mode == "cl-long":
        return simple(status, ctype, body, rid, length=len(body) + 100)
    if mode == "cl-short":
        return simple(status, ctype, body, rid, length=len(body) - 10)
    if mode == "headers-10k":
        pads = [("X-Hostile-%05d" % i, "pad") for i in range(10000)]
        return simple(status, ctype, body, rid, extra=pads)
    if mode == "header-1mb":
        return simple(status, ctype, body, rid,
                      extra=[("X-Hostile", "a" * (1 << 20))])
    if mode == "entity-bomb":
        return simple(400, xml_ct, bomb_xml(), rid)
    if mode == "xxe":
        return simple(400, xml_ct, xxe_xml(opts.canary), rid)
    if mode == "deep-json":
        n = 100000
        return simple(400, json_ct, b'{"a":' * n + b"1" + b"}" * n, rid)
    if mode == "deep-xml":
        n = 100000
        deep = b"<KMS>" + b"<a>" * n + b"</a>" * n + b"</KMS>"
        return simple(400, xml_ct, b'<?xml version="1.0"?>\n' + deep, rid)
    if mode == "bad-utf8":
        return simple(status, ctype, body.replace(b"KeyId", b"\xff\xc0\x80"),
                      rid)
    if mode == "nul-body":
        return simple(status, ctype, body.replace(b"KeyId", b"Ke\x00yId"), rid)
    if mode == "nul-header":
        return simple(status, ctype, body, rid, extra=[("X-Hostile", "a\0b")])
    if mode == "gzip":
        return simple(status, ctype, gzip.compress(body), rid,
                      extra=[("Content-Encoding", "gzip")])
    if mode == "gzip-bomb":
        return simple(status, ctype, gzip_bomb(), rid,
                      extra=[("Content-Encoding", "gzip")])
    if mode == "redirect":
        loc = "http://127.0.0.1:%d/?%s" % (
            opts.sink_port, urllib.parse.urlencode(p))
        return simple(302, "text/plain", b"moved\n", rid,
                      extra=[("Location", loc)])
    if mode == "1xx":
        early = (b"HTTP/1.1 100 Continue\r\n\r\n"
                 b"HTTP/1.1 103 Early Hints\r\nLink: </k.css>; rel=preload"
                 b"\r\n\r\n")
        return early + simple(status, ctype, body, rid)
    if mode == "http09":
        return body
    if mode == "rid-mismatch":
        return simple(status, ctype, body, str(uuid.uuid4()))
    if mode == "tls":
        return simple(status, ctype, body, rid)
    raise ValueError("unknown mode " + mode)


def echo_answer(head, body, p, opts):
    """A KMS-shaped error whose Message is the request as received."""
    if "Signature" in p:
        log_line(opts.sig_log, p["Signature"])
    auth = re.search(rb"(?im)^authorization:.*Signature=([0-9a-f]+)", head)
    if auth:
        log_line(opts.sig_log, auth.group(1).decode())
    _, ctype, _, rid = good_answer(p)
    echoed = (head + b"\r\n\r\n" + body).decode("latin-1")
    return simple(400, ctype, kms_error(p.get("Format") == "XML", "Echo",
                                        echoed, rid), rid)


LOG_LOCK = threading.Lock()


def log_line(path, line):
    with LOG_LOCK, open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        opts = self.server.opts
        sock = self.request
        try:
            if opts.mode == "tls":
                sock = opts.tls.wrap_socket(sock, server_side=True)
                if opts.tls_log:
                    log_line(opts.tls_log,
                             "resumed" if sock.session_reused else "full")
            req = read_request(sock)
            if req is None:
                return
            p = params_of(*req)
            if opts.mode == "echo":
                sock.sendall(echo_answer(req[0], req[1], p, opts))
            elif not answer_stream(sock, opts.mode, p):
                sock.sendall(answer_bytes(opts.mode, p, opts))
        except (OSError, ssl.SSLError):
            pass  # the client went away, as it should from most modes
        finally:
            try:
                sock.close()
            except OSError:
                pass


class SinkHandler(socketserver.BaseRequestHandler):
    """The far end of the redirect: records that it was contacted."""

    def handle(self):
        try:
            req = read_request(self.request)
            line = req[0].split(b"\r\n", 1)[0] if req else b"(no request)"
            log_line(self.server.opts.sink_log,
                     "contacted: " + line.decode("latin-1"))
            self.request.sendall(simple(400, "text/plain", b"sink\n", "-"))
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


MODES = ["huge", "chunked", "drip", "reset", "close", "cl-long", "cl-short",
         "headers-10k", "header-1mb", "entity-bomb", "xxe", "deep-json",
         "deep-xml", "bad-utf8", "nul-body", "nul-header", "gzip",
         "gzip-bomb", "redirect", "1xx", "http09", "rid-mismatch", "echo",
         "tls"]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--sink-port-file")
    ap.add_argument("--sink-log")
    ap.add_argument("--canary")
    ap.add_argument("--sig-log")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--tls-log",
                    help="tls: append 'full' or 'resumed' per handshake")
    opts = ap.parse_args()
    need = {"redirect": ["sink_port_file", "sink_log"], "xxe": ["canary"],
            "echo": ["sig_log"], "tls": ["cert", "key"]}
    for name in need.get(opts.mode, []):
        if not getattr(opts, name):
            ap.error("--mode %s needs --%s" % (opts.mode,
                                               name.replace("_", "-")))
    return opts


def main():
    opts = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if opts.mode == "tls":
        opts.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        opts.tls.load_cert_chain(opts.cert, opts.key)
    if opts.mode == "gzip-bomb":
        gzip_bomb()
    if opts.mode == "redirect":
        sink = Server(("127.0.0.1", 0), SinkHandler)
        sink.opts = opts
        opts.sink_port = sink.server_address[1]
        threading.Thread(target=sink.serve_forever, daemon=True).start()
        write_port(opts.sink_port_file, opts.sink_port)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.opts = opts
    write_port(opts.port_file, srv.server_address[1])
    scheme = "https" if opts.mode == "tls" else "http"
    print("%s://127.0.0.1:%d" % (scheme, srv.server_address[1]), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
