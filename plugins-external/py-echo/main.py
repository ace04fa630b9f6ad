#!/usr/bin/env python3
"""A Plugboard plugin in Python, standard library only.

It speaks the invocation envelope (DESIGN.md section 4) over stdin and stdout: one JSON envelope
per line in, one JSON answer per line out, in order. `--manifest` prints the manifest instead.
Logs go to stderr, one line each; stdout carries answers and calls to the platform only
(plugboard_host.py), which reach the instance's credentials, its store and the bus.
"""

import hashlib
import hmac
import sys
import time

from plugboard_host import serve

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
        {
            "name": "sign",
            "label": "Sign the message with the instance's API key (HMAC-SHA256, hex)",
            "requiredParams": [{"name": "message", "label": "Message", "type": "string"}],
        },
        {
            "name": "remember",
            "label": "Store a note under its key and publish a Note Remembered event",
            "requiredParams": [
                {"name": "key", "label": "Key", "type": "string"},
                {"name": "text", "label": "Text", "type": "string"},
            ],
        },
        {
            "name": "recall",
            "label": "List the notes whose keys start with the prefix",
            "optionalParams": [{"name": "prefix", "label": "Key prefix", "type": "string"}],
        },
    ],
    "credentials": [{"name": "apiKey", "label": "API key (for sign)", "required": False}],
    "docs": {"overview": {"summary": "The echo action returns its params, with the runtime's language."}},
}


def fail(code, message):
    return {"ok": False, "error": {"code": code, "message": message}}


def handle(host, envelope):
    if not isinstance(envelope, dict) or envelope.get("v") != 1:
        return fail("Validation", "the envelope is not valid")
    if envelope.get("plugin") != MANIFEST["slug"]:
        return fail("NotFound", 'this function runs plugin "%s"' % MANIFEST["slug"])
    kind, name, params = envelope.get("kind"), envelope.get("name"), envelope.get("input") or {}
    sys.stderr.write("handling %s %s\n" % (kind, name))
    if kind != "action":
        return fail("NotFound", 'plugin "%s" has no %s "%s"' % (MANIFEST["slug"], kind, name))
    if name == "echo":
        return {"ok": True, "result": dict(params, runtime="python %d.%d" % sys.version_info[:2])}
    if name == "crash":
        sys.exit(3)
    if name == "sleep":
        time.sleep(max(0, envelope.get("deadline", 0) / 1000 - time.time()) + 5)
        return {"ok": True, "result": {"late": True}}
    if name == "sign":
        key = host.credentials().get("apiKey")
        if not key:
            return fail("CredentialsMissing", 'instance "%s" has no apiKey' % envelope.get("instance"))
        digest = hmac.new(key.encode(), params["message"].encode(), hashlib.sha256).hexdigest()
        return {"ok": True, "result": {"signature": digest}}
    if name == "remember":
        item = host.store_put(params["key"], {"text": params["text"]})
        host.publish("Note Remembered", {"key": params["key"]})
        return {"ok": True, "result": item}
    if name == "recall":
        page = host.store_list(prefix=params.get("prefix", ""))
        return {"ok": True, "result": {"notes": {i["key"]: i["value"] for i in page["items"]}}}
    return fail("NotFound", 'plugin "%s" has no action "%s"' % (MANIFEST["slug"], name))


if __name__ == "__main__":
    serve(MANIFEST, handle)
