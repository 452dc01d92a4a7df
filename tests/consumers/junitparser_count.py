"""Counts what Debian's python3-junitparser makes of a report, as one line
"tests=N failures=N errors=N skipped=N known=N" (known: skips whose message
says "known failure:"), for tests/integration/consumers.sh. Run it with
Debian's /usr/bin/python3, which has the module."""
import sys

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite


def count(path):
    c = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "known": 0}
    xml = JUnitXml.fromfile(path)
    # a <testsuite> root (the strict flavour) is read as that one suite
    for suite in [xml] if isinstance(xml, TestSuite) else xml:
        for case in suite:
            c["tests"] += 1
            kinds = [type(r) for r in case.result]
            if Error in kinds:
                c["errors"] += 1
            elif Failure in kinds:
                c["failures"] += 1
            elif Skipped in kinds:
                c["skipped"] += 1
                if any((r.message or "").startswith("known failure:")
                       for r in case.result):
                    c["known"] += 1
    return c


def main():
    c = count(sys.argv[1])
    print(" ".join(f"{k}={c[k]}" for k in
                   ("tests", "failures", "errors", "skipped", "known")))


if __name__ == "__main__":
    main()
