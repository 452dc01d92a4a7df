#!/usr/bin/env python3
"""The expected content of a `kmsconf site`, computed from its inputs alone
(JUnit reports, results files, bundle folders) and compared with the pages
as headless Chromium rendered them (site_chromium.sh). Nothing here reads
the site's api.json: the counts come from the inputs.

  site_check.py pages CATALOG INPUT...          pages to render, one a line
  site_check.py check CATALOG DOMDIR INPUT...   compare; exit 1 on a mismatch
  site_check.py filtered CATALOG DOM LEVEL FORMAT FAILING INPUT...
      the front page rendered with #level=LEVEL&format=FORMAT&failing=1
      ("" for none): the rows and counts shown

DOMDIR holds each rendered page as <page>.dom (index.html.dom, ...).
"""
import base64
import html.parser
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

LEVELS = ["core", "key-lifecycle", "aliases", "import", "account", "faults",
          "extension"]
FORMATS = ["json", "xml"]
DEVIATED_CODE = "Forbidden.KeyNotFound"


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
    answers = {}
    for f in (os.listdir(os.path.join(path, "answers")) if bundle else []):
        a = json.load(open(os.path.join(path, "answers", f)))
        answers[(a["case"], a["format"])] = a
    return {"input": path, "bundle": bundle, "answers": answers,
            "manifest": any(k in props for k in (
                "kmsconf.vendor", "kmsconf.product", "kmsconf.claims.levels",
                "kmsconf.claims.actions")),
            "claimed": (props.get("kmsconf.claims.levels") or "").split(","),
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

    def cell(self, t, level, code):
        """(outcome, {format: (passed, total)}) of the latest run"""
        n = {}
        for c in self.latest(t)["cases"]:
            if c["code"] == code and c["level"] == level and \
                    c["format"] in FORMATS:
                p, tot, f, sk = n.get(c["format"], (0, 0, 0, 0))
                n[c["format"]] = (p + (c["outcome"] == "pass"), tot + 1,
                                  f + (c["outcome"] in ("fail", "error")),
                                  sk + (c["outcome"] == "skip"))
        tot = sum(v[1] for v in n.values())
        failed = sum(v[2] for v in n.values())
        skipped = sum(v[3] for v in n.values())
        oc = ("none" if not tot else "fail" if failed else
              "skip" if skipped == tot else "partial" if skipped else "pass")
        return oc, {f: (v[0], v[1]) for f, v in n.items()}

    def matrix(self):
        """[(level, code, failing)] in the order of the front page"""
        rows = []
        for lv in LEVELS:
            for code in self.codes:
                oc = [self.cell(t, lv, code)[0] for t in self.targets]
                if any(o != "none" for o in oc):
                    rows.append((lv, code, "fail" in oc))
        return rows

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
        sc = next((td for td in root.by_class("td", "mscore")
                   if td.attrs.get("data-target") == slug(t)), None)
        expect(f"index.html: {t}'s score in the matrix",
               sc.text() if sc else None, f"{m.score(latest)}/{len(m.codes)}")
    rows = m.matrix()
    got = [(r.attrs.get("data-level"), r.attrs.get("id"),
            r.attrs.get("data-failing")) for r in root.by_class("tr", "mrow")]
    want = [(lv, f"m-{lv}-{slug(c)}", str(int(fl))) for lv, c, fl in rows]
    expect("index.html: the matrix rows (level, id, failing)", got, want)
    cells = 0
    for lv, code, _ in rows:
        for t in m.targets:
            cid = f"m-{lv}-{slug(code)}.{slug(t)}"
            td = root.by_id(cid)
            if td is None:
                fail(f"index.html: no cell {cid}")
            oc, counts = m.cell(t, lv, code)
            expect(f"index.html: cell {cid}", td.classes(), ["cell", oc])
            spans = [(x.attrs.get("data-format"), x.text())
                     for x in td.by_class("span", "fmt")]
            expect(f"index.html: cell {cid}'s counts", spans,
                   [(f, f"{f} {counts[f][0]}/{counts[f][1]}")
                    for f in FORMATS if f in counts])
            cells += 1
    return (f"front page: {n} targets, their scores and runs; matrix of "
            f"{len(rows)} rows, {cells} cells with their counts per format")


def shown(n):
    return "display: none" not in (n.attrs.get("style") or "")


def check_filtered(m, dom, level, fmt, failing):
    """the front page opened with #level=..&format=..&failing=.."""
    t = Tree()
    t.feed(open(dom, encoding="utf-8").read())
    root = t.root
    want = [f"m-{lv}-{slug(c)}" for lv, c, fl in m.matrix()
            if (not level or lv == level) and (not failing or fl)]
    got = [r.attrs["id"] for r in root.by_class("tr", "mrow") if shown(r)]
    expect(f"{dom}: rows shown", got, want)
    spans = [x.attrs.get("data-format") for x in root.by_class("span", "fmt")
             if shown(x)]
    if fmt and set(spans) != {fmt}:
        fail(f"{dom}: formats shown {sorted(set(spans))}, want only {fmt}")
    expect(f"{dom}: the counter", root.by_id("mshown").text(),
           f"{len(want)} rows shown")
    return f"{dom}: {len(want)} rows shown"


def check_target(m, domdir, t):
    name = f"targets/{slug(t)}.html"
    root = page(domdir, name)
    latest = m.latest(t)
    expect(f"{name}: score", root.by_id("score").text(),
           f"{m.score(latest)}/{len(m.codes)}")
    runs = root.by_class("tr", "run")
    expect(f"{name}: runs", len(runs), len(m.targets[t]))
    claims = check_claims(name, root, latest)
    n = len(m.targets[t])
    for k, (tr, run) in enumerate(zip(runs, reversed(m.targets[t]))):
        cells = [td.text() for td in tr.by_class("td", "score")]
        expect(f"{name}: the score of the run of {run['started']}", cells,
               [f"{m.score(run)}/{len(m.codes)}"])
        a = next(tr.find(lambda x: x.tag == "a"), None)
        expect(f"{name}: the link of the run of {run['started']}",
               a.attrs.get("href") if a else None,
               f"../runs/{slug(t)}-{n - k}.html")
        check_run(m, domdir, f"runs/{slug(t)}-{n - k}.html", run, t)
    svg = root.by_id("trend")
    if svg is None:
        fail(f"{name}: no trend")
    pts = [(c.attrs.get("data-score"), c.parent.attrs.get("href"))
           for c in svg.find(lambda x: x.tag == "circle")]
    expect(f"{name}: the trend's points (score, link), oldest first", pts,
           [(str(m.score(r)), f"../runs/{slug(t)}-{k + 1}.html")
            for k, r in enumerate(m.targets[t])])
    return claims


def level_claims(run):
    """[(level, state)] of the claims table's level rows: the claimed
    levels, then the passing ones not claimed (extension is never one)"""
    def state(lv):
        oc = [c["outcome"] for c in run["cases"] if c["level"] == lv]
        if any(o in ("fail", "error") for o in oc):
            return "claimed but failing"
        if not oc:
            return "claimed but not run"
        return "claimed but partial" if "skip" in oc else "claimed, passing"
    rows = [(lv, state(lv)) for lv in LEVELS[:-1] if lv in run["claimed"]]
    return rows + [(lv, "passing but not claimed") for lv in LEVELS[:-1]
                   if lv not in run["claimed"] and
                   state(lv) == "claimed, passing"]


def check_claims(name, root, run):
    table, none = root.by_id("claims"), root.by_id("no-claims")
    if not run["manifest"]:
        if table is not None or none is None:
            fail(f"{name}: no manifest, but no 'claims are not stated'")
        return False
    if table is None or none is not None:
        fail(f"{name}: a manifest, but no claims table")
    got = []
    for tr in table.by_class("tr", "claim"):
        tds = [td.text() for td in tr.find(lambda x: x.tag == "td")]
        if tds[0] == "level":
            got.append((tds[1], tds[2]))
    expect(f"{name}: the claims of levels", got, level_claims(run))
    return True


def check_run(m, domdir, name, run, t):
    """a run's page: its totals and its links back to the front page and
    to its target's page"""
    root = page(domdir, name)
    nav = root.by_id("nav")
    links = [(a.attrs.get("href"), a.text()) for a in
             (nav.find(lambda x: x.tag == "a") if nav is not None else [])]
    expect(f"{name}: the links back", links,
           [("../index.html", "all targets"),
            (f"../targets/{slug(t)}.html", t)])
    got = {b.attrs["data-count"]: b.text()
           for b in root.find(lambda x: x.tag == "b" and
                              "data-count" in x.attrs)}
    oc = [c["outcome"] for c in run["cases"]]
    expect(f"{name}: totals", {k: got.get(k) for k in ("all", "pass", "fail")},
           {"all": str(len(oc)), "pass": str(oc.count("pass")),
            "fail": str(oc.count("fail"))})


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
    return check_answers(m, name, root, code)


def body_fields(body):
    try:
        j = json.loads(body)
        return j.get("Code", ""), j.get("Message", "")
    except ValueError:
        c = re.search(r"<Code>(.*?)</Code>", body, re.S)
        g = re.search(r"<Message>(.*?)</Message>", body, re.S)
        return c.group(1) if c else "", g.group(1) if g else ""


def check_answers(m, name, root, code):
    """the answers table: one row per (case, format) of the code, each
    target's recorded answer (bundles) or outcome side by side"""
    want = []
    for t in m.targets:
        for c in m.latest(t)["cases"]:
            k = (c["id"], c["format"])
            if c["code"] == code and c["format"] and k not in want:
                want.append(k)
    rows = root.by_class("tr", "arow")
    got = [(r.attrs.get("data-case"), r.attrs.get("data-format"))
           for r in rows]
    expect(f"{name}: answer rows", got, want)
    recorded = 0
    for tr, (cid, fmt) in zip(rows, want):
        tds = tr.by_class("td", "answer")
        expect(f"{name}: {cid} [{fmt}]: columns",
               [td.attrs.get("data-target") for td in tds],
               [slug(t) for t in m.targets])
        for td, t in zip(tds, m.targets):
            run = m.latest(t)
            tc = next((c for c in run["cases"]
                       if (c["id"], c["format"]) == (cid, fmt)), None)
            b = td.find(lambda n: n.tag == "b")
            b = next(b, None)
            expect(f"{name}: {cid} [{fmt}] of {t}: outcome",
                   b.text() if b else None, tc["outcome"] if tc else None)
            a = run["answers"].get((cid, fmt))
            if not a:
                continue
            body = base64.b64decode(a["body_b64"]).decode("utf-8")
            acode, amsg = body_fields(body)
            shown = {k: (td.by_class(tag, k) or [None])[0]
                     for tag, k in (("span", "status"), ("span", "acode"),
                                    ("span", "amsg"), ("code", "rid"),
                                    ("code", "ctype"),
                                    ("pre", "body"))}
            got = {k: v.text() if v else None for k, v in shown.items()}
            expect(f"{name}: {cid} [{fmt}] of {t}: the recorded answer", got,
                   {"status": f"HTTP {a['status']}", "acode": acode,
                    "amsg": amsg, "rid": a["request_id_header"],
                    "ctype": a.get("content_type") or "",
                    "body": body})
            recorded += 1
    return recorded


def pages(m):
    out = ["index.html"] + [f"targets/{slug(t)}.html" for t in m.targets]
    out += [f"runs/{slug(t)}-{k + 1}.html" for t in m.targets
            for k in range(len(m.targets[t]))]
    # the code pages are large (every answer): the first failing codes,
    # the one --deviate-code breaks, and a passing one
    failing = m.failing_codes()
    codes = failing[:4] + [c for c in failing[4:] if c == DEVIATED_CODE]
    passing = [c for c in m.codes if c not in failing]
    out += [f"codes/{slug(c)}.html" for c in codes + passing[:1]]
    return out


def main(argv):
    if len(argv) < 3 or argv[1] not in ("pages", "check", "filtered"):
        fail(__doc__)
    if argv[1] == "filtered":
        m = Model(argv[2], argv[7:])
        print("ok: " + check_filtered(m, argv[3], argv[4], argv[5],
                                      argv[6] == "1"))
        return
    if argv[1] == "pages":
        m = Model(argv[2], argv[3:])
        print("\n".join(pages(m)))
        return
    domdir = argv[3]
    m = Model(argv[2], argv[4:])
    print("ok: " + check_index(m, domdir))
    claims = sum(check_target(m, domdir, t) for t in m.targets)
    print(f"ok: {len(m.targets)} target pages: score, every run's score, "
          f"link and page ({len(m.runs)} run pages), the trend, the claims "
          f"({claims} with a manifest)")
    codes = [p[len("codes/"):-len(".html")] for p in pages(m)
             if p.startswith("codes/")]
    recorded = 0
    for c in m.codes:
        if slug(c) in codes:
            recorded += check_code(m, domdir, c)
    print(f"ok: {len(codes)} code pages: every target's verdict and "
          f"testcases ({len(m.failing_codes())} codes fail somewhere), "
          f"{recorded} recorded answers side by side")


if __name__ == "__main__":
    main(sys.argv)
