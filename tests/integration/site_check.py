#!/usr/bin/env python3
"""The expected content of a `kmsconf site`, computed from its inputs alone
(JUnit reports, results files, bundle folders) and compared with the pages
as headless Chromium rendered them (site_chromium.sh). Nothing here reads
the site's api.json: the counts come from the inputs.

  site_check.py pages CATALOG INPUT...          pages to render, one a line
  site_check.py check CATALOG DOMDIR INPUT...   compare; exit 1 on a mismatch

DOMDIR holds each rendered page as <page>.dom (index.html.dom, ...).
"""
import html.parser
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

LEVELS = ["core", "key-lifecycle", "aliases", "import", "account", "faults",
          "extension"]
FORMATS = ["json", "xml"]


# ---- the inputs ----

def slug(name):
    s = "".join(c if c.isascii() and c.isalnum() else "-"
                for c in name.lower())
    return s or "x"


def junit_run(path):
    root = ET.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    props = {p.get("name"): p.get("value")
             for p in suite.iter("property")}
    cases = []
    for tc in suite.iter("testcase"):
        name = tc.get("name")
        m = re.match(r"^(.*) \[(json|xml)\]$", name)
        out = (tc.find("system-out").text or "") \
            if tc.find("system-out") is not None else ""
        lv = re.search(r"^@@ level: (\S+)$", out, re.M)
        if tc.find("failure") is not None:
            outcome = "fail"
        elif tc.find("error") is not None:
            outcome = "error"
        elif tc.find("skipped") is not None:
            outcome = "skip"
        else:
            outcome = "pass"
        cases.append({"id": m.group(1) if m else name,
                      "format": m.group(2) if m else None,
                      "code": tc.get("classname")[len("kmsconf."):],
                      "level": lv.group(1) if lv else None,
                      "outcome": outcome})
    return props, cases, suite.get("timestamp") or ""


def results_run(path):
    d = json.load(open(path))
    cases = [{"id": t["id"], "format": t.get("format"), "code": t.get("code"),
              "level": t.get("level"), "outcome": t["outcome"]}
             for t in d["testcases"]]
    return d["manifest"], cases, d.get("timestamp") or ""


def load_run(path):
    bundle = os.path.isdir(path)
    file = os.path.join(path, "results.json") if bundle else path
    props, cases, ts = (results_run(file) if file.endswith(".json")
                        else junit_run(file))
    label = os.path.basename(path.rstrip("/"))
    return {"input": path, "bundle": bundle,
            "target": props.get("kmsconf.target") or label,
            "started": props.get("kmsconf.started") or ts,
            "cases": cases}


def code_state(run, code):
    """1 all passed, -1 one failed or erred, 0 none ran or all skipped"""
    st = 0
    for c in run["cases"]:
        if c["code"] != code:
            continue
        if c["outcome"] in ("fail", "error"):
            return -1
        if c["outcome"] == "pass":
            st = 1
    return st


class Model:
    def __init__(self, catalog, inputs):
        self.codes = [e["code"] for e in json.load(open(catalog))["errors"]]
        self.runs = [load_run(p) for p in inputs]
        self.targets = {}
        for r in self.runs:
            self.targets.setdefault(r["target"], []).append(r)
        for runs in self.targets.values():
            runs.sort(key=lambda r: r["started"])  # stable: input order

    def latest(self, t):
        return self.targets[t][-1]

    def score(self, run):
        return sum(code_state(run, c) == 1 for c in self.codes)

    def failing_codes(self):
        return [c for c in self.codes
                if any(code_state(self.latest(t), c) == -1
                       for t in self.targets)]


# ---- the rendered pages ----

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.parts = [], []

    def text(self):
        return "".join(p if isinstance(p, str) else p.text()
                       for p in self.parts)

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def find(self, pred):
        for c in self.children:
            if pred(c):
                yield c
            yield from c.find(pred)

    def by_id(self, i):
        return next(self.find(lambda n: n.attrs.get("id") == i), None)

    def by_class(self, tag, cls):
        return list(self.find(lambda n: n.tag == tag and cls in n.classes()))


VOID = {"meta", "img", "input", "br", "hr", "link"}


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        self.cur.parts.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n.parent and n.tag != tag:
            n = n.parent
        if n.parent:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.parts.append(data)


def page(domdir, name):
    p = os.path.join(domdir, name + ".dom")
    if not os.path.exists(p):
        fail(f"{name}: not rendered")
    t = Tree()
    t.feed(open(p, encoding="utf-8").read())
    return t.root


def fail(msg):
    print("site_check: " + msg, file=sys.stderr)
    sys.exit(1)


def expect(what, got, want):
    if got != want:
        fail(f"{what}: the page shows {got!r}, the inputs give {want!r}")


# ---- the checks ----

def check_index(m, domdir):
    root = page(domdir, "index.html")
    rows = root.by_class("tr", "target")
    expect("index.html: target rows", len(rows), len(m.targets))
    n = 0
    for t in m.targets:
        row = root.by_id("t-" + slug(t))
        if row is None:
            fail(f"index.html: no row t-{slug(t)}")
        latest = m.latest(t)
        sc = row.by_class("td", "score")[0].text()
        expect(f"index.html: {t}'s score", sc,
               f"{m.score(latest)}/{len(m.codes)}")
        expect(f"index.html: {t}'s runs", row.by_class("td", "runs")[0].text(),
               str(len(m.targets[t])))
        n += 1
    return f"front page: {n} targets, their scores and runs"


def check_target(m, domdir, t):
    name = f"targets/{slug(t)}.html"
    root = page(domdir, name)
    latest = m.latest(t)
    expect(f"{name}: score", root.by_id("score").text(),
           f"{m.score(latest)}/{len(m.codes)}")
    runs = root.by_class("tr", "run")
    expect(f"{name}: runs", len(runs), len(m.targets[t]))
    for tr, run in zip(runs, reversed(m.targets[t])):
        cells = [td.text() for td in tr.by_class("td", "score")]
        expect(f"{name}: the score of the run of {run['started']}", cells,
               [f"{m.score(run)}/{len(m.codes)}"])


def check_code(m, domdir, code):
    name = f"codes/{slug(code)}.html"
    root = page(domdir, name)
    rows = root.by_class("tr", "row")
    expect(f"{name}: target rows", len(rows), len(m.targets))
    word = {1: "pass", -1: "FAIL", 0: "not run"}
    for tr, t in zip(rows, m.targets):
        tds = tr.by_class("td", "verdict")
        if not tds:
            fail(f"{name}: {t}: no verdict cell")
        expect(f"{name}: {t}'s verdict", tds[0].text(),
               word[code_state(m.latest(t), code)])
        lis = tr.by_class("li", "tc")
        want = sum(c["code"] == code for c in m.latest(t)["cases"])
        expect(f"{name}: {t}'s testcases", len(lis), want)


def pages(m):
    out = ["index.html"] + [f"targets/{slug(t)}.html" for t in m.targets]
    codes = m.failing_codes()
    passing = [c for c in m.codes if c not in codes]
    out += [f"codes/{slug(c)}.html" for c in codes + passing[:1]]
    return out


def main(argv):
    if len(argv) < 3 or argv[1] not in ("pages", "check"):
        fail(__doc__)
    if argv[1] == "pages":
        m = Model(argv[2], argv[3:])
        print("\n".join(pages(m)))
        return
    domdir = argv[3]
    m = Model(argv[2], argv[4:])
    print("ok: " + check_index(m, domdir))
    for t in m.targets:
        check_target(m, domdir, t)
    print(f"ok: {len(m.targets)} target pages: score and every run's score")
    codes = [p[len("codes/"):-len(".html")] for p in pages(m)
             if p.startswith("codes/")]
    for c in m.codes:
        if slug(c) in codes:
            check_code(m, domdir, c)
    print(f"ok: {len(codes)} code pages: every target's verdict and "
          f"testcases ({len(m.failing_codes())} codes fail somewhere)")


if __name__ == "__main__":
    main(sys.argv)
