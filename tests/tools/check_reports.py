#!/usr/bin/python3
"""check_reports.py - validate aliasaudit reports with their real consumers.

usage: check_reports.py sarif FILE SCHEMA [--complete|--incomplete]
       check_reports.py junit FILE [--complete|--incomplete]
       check_reports.py csv FILE
       check_reports.py html FILE

Exits 0 when the file is valid, 1 with a message on stderr otherwise.
Run with Debian's /usr/bin/python3 (python3-jsonschema is a Debian package).
"""
import csv
import html.parser
import io
import json
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("check_reports: " + msg, file=sys.stderr)
    sys.exit(1)


def check_sarif(path, schema_path, mode):
    import jsonschema
    doc = json.load(open(path, encoding="utf-8"))
    schema = json.load(open(schema_path, encoding="utf-8"))
    v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        fail("%s: %s at %s" % (path, errors[0].message, list(errors[0].path)))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        fail("duplicate rule ids")
    for res in run.get("results", []):
        if rules[res["ruleIndex"]]["id"] != res["ruleId"]:
            fail("ruleIndex does not match ruleId for " + res["ruleId"])
        if not res["partialFingerprints"].get("aliasauditFindingId/v1", "").startswith("f-"):
            fail("result without a stable finding id")
    inv = run["invocations"][0]
    if mode == "--incomplete":
        if inv["executionSuccessful"] or not inv.get("toolExecutionNotifications"):
            fail("incomplete audit must set executionSuccessful=false with notifications")
    if mode == "--complete" and not inv["executionSuccessful"]:
        fail("complete audit must set executionSuccessful=true")
    print("sarif ok: %d rules, %d results" % (len(rules), len(run.get("results", []))))


def check_junit(path, mode):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail("root is not <testsuites>")
    cases = root.findall(".//testcase")
    failures = root.findall(".//testcase/failure")
    errors = root.findall(".//testcase/error")
    if int(root.get("tests")) != len(cases) or int(root.get("failures")) != len(failures) \
            or int(root.get("errors")) != len(errors):
        fail("testsuites counts do not match the testcases")
    for suite in root.findall("testsuite"):
        sc = suite.findall("testcase")
        if int(suite.get("tests")) != len(sc):
            fail("suite %r: tests=%s but %d testcases" % (suite.get("name"), suite.get("tests"), len(sc)))
        for c in sc:
            if c.get("classname") != suite.get("name"):
                fail("testcase classname is not its tenant")
    for f in failures:
        n = int(f.get("message").split()[0])
        if f.text.count("\n[") + 1 != n:
            fail("failure message count %d does not match its body" % n)
    if mode == "--incomplete" and not errors:
        fail("incomplete audit has no <error>: it would look green")
    if mode == "--complete" and errors:
        fail("complete audit has errors")
    print("junit ok: %d testcases, %d failures, %d errors" % (len(cases), len(failures), len(errors)))


def check_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        data = f.read()
    if not data.endswith("\r\n"):
        fail("records must end with CRLF")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    header = rows[0]
    if header != ["id", "severity", "check", "tenant", "provider", "subject", "summary",
                  "symptom_code", "path", "fix_id", "automated", "refs", "status"]:
        fail("unexpected header %r" % header)
    for r in rows[1:]:
        if len(r) != len(header):
            fail("row with %d fields: %r" % (len(r), r))
        for v in r:
            if v[:1] in ("=", "+", "-", "@", "\t", "\r"):
                fail("unneutralised formula field %r" % v)
    print(json.dumps(rows, ensure_ascii=False))


class Scan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "embed", "link", "base", "form"):
            self.bad.append("<%s>" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append("%s=%r" % (k, v))
            if k in ("src", "href", "action", "xlink:href") and v and not v.startswith("#") \
                    and not v.startswith("data:"):
                self.bad.append("%s=%r" % (k, v))
            if k == "id":
                self.ids.add(v)


def check_html(path):
    s = Scan()
    s.feed(open(path, encoding="utf-8").read())
    if s.bad:
        fail("active or external content: " + ", ".join(s.bad))
    print("html ok: %d ids" % len(s.ids))


def main(argv):
    if len(argv) < 3:
        fail(__doc__)
    kind, path = argv[1], argv[2]
    if kind == "sarif":
        check_sarif(path, argv[3], argv[4] if len(argv) > 4 else "")
    elif kind == "junit":
        check_junit(path, argv[3] if len(argv) > 3 else "")
    elif kind == "csv":
        check_csv(path)
    elif kind == "html":
        check_html(path)
    else:
        fail("unknown kind " + kind)


if __name__ == "__main__":
    main(sys.argv)
