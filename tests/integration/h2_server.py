#!/usr/bin/env python3
"""An HTTP/2-over-TLS endpoint for http2.sh: it offers only "h2" by ALPN
and answers ListKeys with an empty key list and every other request with a
documented KMS error (Forbidden.KeyNotFound, HTTP 404) in the format the
request asks for. Binds port 0, writes the port
to --port-file and prints its URL."""
import argparse
import email.utils
import json
import os
import signal
import socket
import ssl
import threading
import urllib.parse
import uuid

import h2.config
import h2.connection
import h2.events


def body_for(path, form):
    """(status, body, content type, RequestId) of the answer to a request
    for path with the form body form (parameters in either)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    query.update(urllib.parse.parse_qs(form))
    rid = str(uuid.uuid4())
    if query.get("Action", [""])[0] == "ListKeys":  # what the preflight asks
        body = json.dumps({"Keys": {"Key": []}, "TotalCount": 0,
                           "PageNumber": 1, "PageSize": 10, "RequestId": rid})
        return "200", body.encode(), "application/json;charset=utf-8", rid
    msg = "The specified Key is not found."
    if query.get("Format", ["JSON"])[0].upper() == "XML":
        body = ('<?xml version="1.0" encoding="UTF-8"?><KMS><HttpStatus>404'
                '</HttpStatus><Code>Forbidden.KeyNotFound</Code><Message>%s'
                '</Message><RequestId>%s</RequestId></KMS>' % (msg, rid))
        return "404", body.encode(), "text/xml;charset=utf-8", rid
    body = json.dumps({"HttpStatus": 404, "Code": "Forbidden.KeyNotFound",
                       "Message": msg, "RequestId": rid})
    return "404", body.encode(), "application/json;charset=utf-8", rid


def serve(sock):
    conn = h2.connection.H2Connection(
        h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    paths, forms = {}, {}
    while True:
        data = sock.recv(65535)
        if not data:
            return
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                paths[ev.stream_id] = dict(ev.headers).get(b":path", b"/")
            elif isinstance(ev, h2.events.DataReceived):
                forms[ev.stream_id] = forms.get(ev.stream_id, b"") + ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length,
                                               ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                path = paths.pop(ev.stream_id, b"/").decode("latin-1")
                form = forms.pop(ev.stream_id, b"").decode("latin-1")
                status, body, ctype, rid = body_for(path, form)
                conn.send_headers(ev.stream_id, [
                    (":status", status), ("content-type", ctype),
                    ("date", email.utils.formatdate(usegmt=True)),
                    ("content-length", str(len(body))),
                    ("x-acs-request-id", rid)])
                conn.send_data(ev.stream_id, body, end_stream=True)
            elif isinstance(ev, h2.events.ConnectionTerminated):
                return
        sock.sendall(conn.data_to_send())


def handle(raw, ctx):
    try:
        with ctx.wrap_socket(raw, server_side=True) as sock:
            if sock.selected_alpn_protocol() == "h2":
                serve(sock)
    except (OSError, ssl.SSLError):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opts.cert, opts.key)
    ctx.set_alpn_protocols(["h2"])
    lsock = socket.create_server(("127.0.0.1", 0))
    port = lsock.getsockname()[1]
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.rename(tmp, opts.port_file)
    print("https://127.0.0.1:%d" % port, flush=True)
    while True:
        raw, _ = lsock.accept()
        threading.Thread(target=handle, args=(raw, ctx), daemon=True).start()


if __name__ == "__main__":
    main()
