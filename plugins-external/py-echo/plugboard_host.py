"""Calls from a Plugboard process plugin to the platform, standard library only.

While it handles an envelope, a plugin may call the platform: one call line on stdout,
{"call": {"v": 1, "id": 7, "method": "store.get", "params": {"key": "k"}}}, answered by one reply
line on stdin, {"reply": {"v": 1, "id": 7, "ok": true, "result": ...}} or
{"reply": {"v": 1, "id": 7, "ok": false, "error": {"code": ..., "message": ...}}}.
A call reaches the credentials, the store and the events of the envelope being handled, never
another's. The platform may send the next envelopes while a call waits for its reply: they are
kept, in order, for `envelopes` to give next. `serve` runs a plugin on all of it.
"""

import collections
import json
import sys


class HostError(Exception):
    """A call the platform refused, with its code and message, which an answer may pass on."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Host:
    def __init__(self, stdin=sys.stdin, stdout=sys.stdout):
        self._stdin = stdin
        self._stdout = stdout
        self._kept = collections.deque()
        self._next_id = 0

    def envelopes(self):
        """Each envelope line the platform sent, in order, until it closes stdin."""
        while True:
            line = self._kept.popleft() if self._kept else self._stdin.readline()
            if not line:
                return
            # A reply here answers a call its plugin stopped waiting for.
            if line.strip() and _reply(line) is None:
                yield line

    def answer(self, answer):
        self._write(answer)

    def call(self, method, **params):
        call_id = self._next_id
        self._next_id += 1
        self._write({"call": {"v": 1, "id": call_id, "method": method, "params": params}})
        while True:
            line = self._stdin.readline()
            if not line:
                raise EOFError("the platform closed stdin while a call waited for its reply")
            reply = _reply(line)
            if reply is None:
                self._kept.append(line)
            elif reply.get("id") == call_id:
                if reply.get("ok"):
                    return reply.get("result")
                error = reply.get("error") or {}
                raise HostError(error.get("code", "PluginFailed"), error.get("message", ""))

    def credentials(self):
        """The instance's credential values by name ({} when none are set)."""
        return self.call("credentials")

    def store_get(self, key):
        """The stored item ({"key", "value", "updatedAt"}), or None."""
        return self.call("store.get", key=key)

    def store_put(self, key, value):
        return self.call("store.put", key=key, value=value)

    def store_delete(self, key):
        self.call("store.delete", key=key)

    def store_list(self, prefix=None, limit=None, cursor=None):
        """{"items": [...], "nextCursor"?}: a page of the items whose keys start with prefix."""
        given = {"prefix": prefix, "limit": limit, "cursor": cursor}
        return self.call("store.list", **{k: v for k, v in given.items() if v is not None})

    def publish(self, detail_type, detail):
        """Puts an event on the bus, under the plugin's source, with the instance in its detail."""
        self.call("publish", detailType=detail_type, detail=detail)

    def _write(self, value):
        self._stdout.write(json.dumps(value) + "\n")
        self._stdout.flush()


def _reply(line):
    """The reply a line carries, or None for an envelope (or anything else, left to the caller)."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    reply = message.get("reply") if isinstance(message, dict) else None
    return reply if isinstance(reply, dict) else None


def serve(manifest, handle):
    """Prints the manifest when given --manifest; otherwise answers each envelope with
    handle(host, envelope), in order. A refused call the handler lets through answers its error;
    a handler that wrote its answer itself returns None."""
    if "--manifest" in sys.argv[1:]:
        print(json.dumps(manifest))
        return
    host = Host()
    for line in host.envelopes():
        try:
            answer = handle(host, json.loads(line))
        except ValueError:
            answer = {"ok": False, "error": {"code": "Validation", "message": "the envelope is not JSON"}}
        except HostError as refused:
            answer = {"ok": False, "error": {"code": refused.code, "message": refused.message}}
        if answer is not None:
            host.answer(answer)
