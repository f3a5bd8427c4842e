#!/usr/bin/env python3
"""Validate plimsoll's machine-readable reports on fixtures/formats.

SARIF against the official SARIF 2.1.0 JSON schema (from ../shared/reference),
checkstyle and JUnit XML for well-formedness and the structure their
consumers read, the GitLab Code Quality report for the fields GitLab
requires, GitHub workflow commands for their syntax.

Usage: validate-reports.py PLIMSOLL_BINARY SARIF_SCHEMA
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema

binary, schema_path = sys.argv[1], sys.argv[2]
INPUT = "fixtures/formats"


def report(fmt):
    run = subprocess.run([binary, "check", "--format", fmt, INPUT], capture_output=True, text=True)
    if run.returncode != 1:
        sys.exit(f"{fmt}: expected exit code 1 (findings), got {run.returncode}: {run.stderr}")
    return run.stdout


def check(condition, message):
    if not condition:
        sys.exit(f"invalid report: {message}")


# SARIF: the official schema.
with open(schema_path) as f:
    schema = json.load(f)
sarif = json.loads(report("sarif"))
jsonschema.validate(sarif, schema, cls=jsonschema.Draft7Validator)
rules = sarif["runs"][0]["tool"]["driver"]["rules"]
for result in sarif["runs"][0]["results"]:
    check(rules[result["ruleIndex"]]["id"] == result["ruleId"], "ruleIndex points at the wrong rule")
print(f"sarif: valid against the SARIF 2.1.0 schema ({len(sarif['runs'][0]['results'])} results)")

# SARIF with a fix that appends to another file (.dockerignore), on a context
# built in a temporary directory (node_modules cannot be committed).
with tempfile.TemporaryDirectory() as context:
    for path, text in [("node_modules/a/index.js", "x"), ("package.json", "{}"), (".dockerignore", "*.log"),
                       ("Dockerfile", "FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD node app.js\n")]:
        os.makedirs(os.path.dirname(os.path.join(context, path)), exist_ok=True)
        with open(os.path.join(context, path), "w") as f:
            f.write(text)
    run = subprocess.run([os.path.abspath(binary), "check", "--format", "sarif", "--select", "context-bloat,exec-form-cmd",
                          "Dockerfile"], capture_output=True, text=True, cwd=context)
    with_files = json.loads(run.stdout)
jsonschema.validate(with_files, schema, cls=jsonschema.Draft7Validator)
uris = [c["artifactLocation"]["uri"] for r in with_files["runs"][0]["results"] for f in r.get("fixes", [])
        for c in f["artifactChanges"]]
check(sorted(uris) == [".dockerignore", "Dockerfile"], f"artifactChanges name both files: {uris}")
print("sarif: a fix that changes .dockerignore is valid too")

# Checkstyle XML.
root = ET.fromstring(report("checkstyle"))
check(root.tag == "checkstyle", "checkstyle root element")
errors = 0
for file in root:
    check(file.tag == "file" and file.get("name"), "checkstyle <file name=...>")
    for error in file:
        errors += 1
        check(error.tag == "error", "checkstyle <error>")
        check(int(error.get("line")) >= 1 and int(error.get("column")) >= 1, "checkstyle line/column")
        check(error.get("severity") in {"ignore", "info", "warning", "error"}, "checkstyle severity")
        check(error.get("message") and error.get("source"), "checkstyle message/source")
print(f"checkstyle: well-formed, {errors} errors")

# JUnit XML.
root = ET.fromstring(report("junit"))
check(root.tag == "testsuites", "junit root element")
for suite in root:
    check(suite.tag == "testsuite", "junit <testsuite>")
    cases = list(suite)
    check(int(suite.get("tests")) == len(cases), "junit tests count")
    failed = sum(1 for case in cases if case.find("failure") is not None)
    check(int(suite.get("failures")) == failed, "junit failures count")
    for case in cases:
        check(case.tag == "testcase" and case.get("name") and case.get("classname"), "junit <testcase>")
print("junit: well-formed, counts consistent")

# GitLab Code Quality.
issues = json.loads(report("gitlab"))
fingerprints = set()
for issue in issues:
    for field in ("description", "check_name", "fingerprint", "severity", "location"):
        check(field in issue, f"gitlab issue lacks {field}")
    check(issue["severity"] in {"info", "minor", "major", "critical", "blocker"}, "gitlab severity")
    check(issue["location"]["path"] and issue["location"]["lines"]["begin"] >= 1, "gitlab location")
    check(issue["fingerprint"] not in fingerprints, "gitlab fingerprints must be unique")
    fingerprints.add(issue["fingerprint"])
print(f"gitlab: {len(issues)} issues with the Code Quality fields, unique fingerprints")

# GitHub workflow commands.
command = re.compile(r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^:]+::.+$")
lines = report("github").splitlines()
for line in lines:
    check(command.match(line), f"github workflow command: {line}")
print(f"github: {len(lines)} well-formed workflow commands")
