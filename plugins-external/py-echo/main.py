#!/usr/bin/env python3
"""A Plugboard plugin in Python, standard library only.

It speaks the invocation envelope (DESIGN.md section 4) over stdin and stdout: one JSON envelope
per line in, one JSON answer per line out, in order. `--manifest` prints the manifest instead.
Logs go to stderr, one line each; stdout carries answers only.
"""

import json
import sys
import time

MANIFEST = {
    "slug": "py-echo",
    "name": "Python echo",
    "version": "1.0.0",
    "description": "The echo plugin written in Python: proves the envelope is language-neutral.",
    "apiVersion": 1,
    "timeoutSeconds": 2,
    "actions": [
        {
            "name": "echo",
            "label": "Echo the params back",
            "optionalParams": [{"name": "message", "label": "Message", "type": "string"}],
        },
        {"name": "crash", "label": "Exit the process (the platform starts a new one)"},
        {"name": "sleep", "label": "Sleep past the deadline (the platform answers Timeout)"},
    ],
    "docs": {"overview": {"summary": "The echo action returns its params, with the runtime's language."}},
}


def fail(code, message):
    return {"ok": False, "error": {"code": code, "message": message}}


def handle(envelope):
    if not isinstance(envelope, dict) or envelope.get("v") != 1:
        return fail("Validation", "the envelope is not valid")
    if envelope.get("plugin") != MANIFEST["slug"]:
        return fail("NotFound", 'this function runs plugin "%s"' % MANIFEST["slug"])
    kind, name, params = envelope.get("kind"), envelope.get("name"), envelope.get("input") or {}
    if kind != "action":
        return fail("NotFound", 'plugin "%s" has no %s "%s"' % (MANIFEST["slug"], kind, name))
    if name == "echo":
        return {"ok": True, "result": dict(params, runtime="python %d.%d" % sys.version_info[:2])}
    if name == "crash":
        sys.exit(3)
    if name == "sleep":
        time.sleep(max(0, envelope.get("deadline", 0) / 1000 - time.time()) + 5)
        return {"ok": True, "result": {"late": True}}
    return fail("NotFound", 'plugin "%s" has no action "%s"' % (MANIFEST["slug"], name))


def main():
    if "--manifest" in sys.argv[1:]:
        print(json.dumps(MANIFEST))
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = handle(json.loads(line))
        except ValueError:
            answer = fail("Validation", "the envelope is not JSON")
        sys.stderr.write("handled one envelope\n")
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
