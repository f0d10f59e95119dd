#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/clients/bsctl.py: drives baresip instances through their ctrl_tcp
module (netstring-framed JSON) and reads their `-s` SIP traces, for the
real-client tests (baresip.sh, browser.sh). baresip 1.0.0 emits no event
for an incoming MESSAGE, so message delivery is checked in the traces: the
sender received 200 for its MESSAGE, the receiver got the MESSAGE with the
text and answered 200.

Every wait is bounded. Each check prints "PASS: what" or "FAIL: what (why)";
the calling shell script counts those lines. Exit status: 0 when every
check of this run passed, 1 otherwise, 2 on bad usage.

Subcommands (a UA is given as CTRL_PORT:TRACE_FILE):
  call LABEL UA_A UA_B URI TEXT [--digest]
      both registered (with a digest retry when --digest), A dials URI,
      both sides see CALL_ESTABLISHED and CALL_RTPESTAB, A hangs up, both
      see CALL_CLOSED; then A sends TEXT to its current contact (B) and the
      MESSAGE is answered 200 (A's trace) and received (B's trace).
  register LABEL UA [--digest]     the UA is registered
  message LABEL UA TEXT            UA messages its current contact: 200
  received LABEL TRACE TEXT        TRACE shows a MESSAGE with TEXT answered 200
"""

import json
import re
import socket
import sys
import time

CONNECT_S = 15
REGISTER_S = 30
CALL_S = 30
CLOSE_S = 20
MESSAGE_S = 20
RTP_HOLD_S = 1.5  # lets some RTP flow before hanging up (not an assertion)

results = {"pass": 0, "fail": 0}


def check(ok, what, why=""):
    if ok:
        results["pass"] += 1
        print("PASS: " + what, flush=True)
    else:
        results["fail"] += 1
        print("FAIL: %s%s" % (what, " (%s)" % why if why else ""), flush=True)
    return ok


class Ctrl:
    """One ctrl_tcp connection: commands with tokens, events queued by UA."""

    def __init__(self, port, name):
        self.name = name
        self.buf = b""
        self.events = []
        self.replies = {}
        self.seq = 0
        end = time.time() + CONNECT_S
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), 2)
                break
            except OSError as e:
                if time.time() > end:
                    raise RuntimeError("%s: ctrl_tcp port %d: %s" % (name, port, e))
                time.sleep(0.2)
        self.sock.settimeout(0.2)

    def _pump(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        if not data:
            raise RuntimeError("%s: ctrl_tcp connection closed" % self.name)
        self.buf += data
        while True:  # netstrings: LEN ":" JSON ","
            m = re.match(rb"(\d+):", self.buf)
            if not m:
                return
            n = int(m.group(1))
            start = m.end()
            if len(self.buf) < start + n + 1:
                return
            obj = json.loads(self.buf[start:start + n].decode("utf-8", "replace"))
            self.buf = self.buf[start + n + 1:]
            if obj.get("response"):
                self.replies[obj.get("token")] = obj
            elif obj.get("event"):
                self.events.append(obj)

    def command(self, cmd, params=None, timeout=10):
        self.seq += 1
        tok = "t%d" % self.seq
        req = {"command": cmd, "token": tok}
        if params is not None:
            req["params"] = params
        b = json.dumps(req).encode()
        self.sock.sendall(str(len(b)).encode() + b":" + b + b",")
        end = time.time() + timeout
        while tok not in self.replies and time.time() < end:
            self._pump()
        return self.replies.pop(tok, None)

    def wait_event(self, etype, timeout):
        end = time.time() + timeout
        while True:
            for e in self.events:
                if e.get("type") == etype:
                    return e
            if time.time() >= end:
                return None
            self._pump()

    def seen(self):
        return ",".join(e.get("type", "?") for e in self.events) or "no events"


def strip_ansi(s):
    return re.sub(r"\x1b\[[0-9;]*m", "", s)


HDR = re.compile(r"^(UDP|TCP|TLS|WS|WSS) (\S+) -> (\S+)$")


def trace(path):
    """The SIP messages of a baresip -s trace: (src, dst, text) tuples."""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            lines = strip_ansi(f.read()).split("\n")
    except OSError:
        return []
    out, cur = [], None
    for ln in lines:
        m = HDR.match(ln.strip())
        if m:
            if cur:
                out.append(cur)
            cur = [m.group(2), m.group(3), []]
            continue
        if cur is not None:
            if ln.strip() == "#":
                out.append(cur)
                cur = None
            else:
                cur[2].append(ln.rstrip("\r"))
    if cur:
        out.append(cur)
    return [(s, d, "\n".join(t)) for s, d, t in out]


def header(text, name):
    m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(name), text, re.M | re.I)
    return m.group(1).strip() if m else ""


def first_line(text):
    for ln in text.split("\n"):
        if ln.strip():
            return ln.strip()
    return ""


def is_response(text, code, method):
    return first_line(text).startswith("SIP/2.0 %d" % code) and \
        header(text, "CSeq").endswith(" " + method)


def wait_trace(path, pred, timeout):
    end = time.time() + timeout
    while True:
        r = pred(trace(path))
        if r or time.time() >= end:
            return r
        time.sleep(0.2)


def digest_used(msgs):
    """A REGISTER was challenged (401/407) and a REGISTER with credentials
    was then answered 200."""
    chal = any(is_response(t, 401, "REGISTER") or is_response(t, 407, "REGISTER")
               for _, _, t in msgs)
    cred_ok = False
    cids = set()
    for _, _, t in msgs:
        if first_line(t).startswith("REGISTER ") and \
                re.search(r"^(Authorization|Proxy-Authorization)\s*:\s*Digest",
                          t, re.M | re.I):
            cids.add((header(t, "Call-ID"), header(t, "CSeq")))
    for _, _, t in msgs:
        if is_response(t, 200, "REGISTER") and \
                (header(t, "Call-ID"), header(t, "CSeq")) in cids:
            cred_ok = True
    return chal and cred_ok


def registered(ctrl, label, name, path, digest):
    end = time.time() + REGISTER_S
    info = ""
    while time.time() < end:
        r = ctrl.command("reginfo")
        info = strip_ansi((r or {}).get("data", ""))
        if re.search(r"\bOK\b", info):
            break
        time.sleep(0.5)
    ok = check(re.search(r"\bOK\b", info) is not None,
               "%s: %s registered" % (label, name),
               "reginfo: " + " ".join(info.split())[:200])
    if ok and digest:
        check(wait_trace(path, digest_used, 5),
              "%s: %s registered with digest (401, then 200 with credentials)" % (label, name),
              "no challenged REGISTER followed by an authorized 200 in " + path)
    return ok


def message_answered(label, name, path, text):
    def pred(msgs):
        cseqs = set()
        for _, _, t in msgs:
            if first_line(t).startswith("MESSAGE ") and text in t:
                cseqs.add((header(t, "Call-ID"), header(t, "CSeq")))
        for _, _, t in msgs:
            if is_response(t, 200, "MESSAGE") and \
                    (header(t, "Call-ID"), header(t, "CSeq")) in cseqs:
                return True
        return False
    return check(wait_trace(path, pred, MESSAGE_S),
                 "%s: %s's MESSAGE answered 200" % (label, name),
                 "no 200 to a MESSAGE with the text in " + path)


def message_received(label, name, path, text):
    # received: a MESSAGE carrying TEXT whose Call-ID this UA answered 200
    def pred(msgs):
        cids = [header(t, "Call-ID") for _, _, t in msgs
                if first_line(t).startswith("MESSAGE ") and text in t]
        return any(is_response(t, 200, "MESSAGE") and header(t, "Call-ID") in cids
                   for _, _, t in msgs)
    return check(wait_trace(path, pred, MESSAGE_S),
                 "%s: %s received the MESSAGE and answered 200" % (label, name),
                 "no MESSAGE with the text answered 200 in " + path)


def send_message(ctrl, label, name, text):
    r = ctrl.command("message", text)
    return check(r is not None and r.get("ok"), "%s: %s sends a MESSAGE" % (label, name),
                 "ctrl_tcp reply %r" % (r,))


def ua_arg(s):
    port, path = s.split(":", 1)
    return int(port), path


def do_call(label, a, b, uri, text, digest):
    (pa, ta), (pb, tb) = ua_arg(a), ua_arg(b)
    ca, cb = Ctrl(pa, "alice"), Ctrl(pb, "bob")
    ra = registered(ca, label, "alice", ta, digest)
    rb = registered(cb, label, "bob", tb, digest)
    if not (ra and rb):
        return
    r = ca.command("dial", uri)
    if not check(r is not None and r.get("ok"), "%s: alice dials %s" % (label, uri),
                 "ctrl_tcp reply %r" % (r,)):
        return
    up = True
    for c, who in ((ca, "alice"), (cb, "bob")):
        for ev in ("CALL_ESTABLISHED", "CALL_RTPESTAB"):
            up &= check(c.wait_event(ev, CALL_S) is not None,
                        "%s: %s sees %s" % (label, who, ev), "saw " + c.seen())
    if up:
        time.sleep(RTP_HOLD_S)
    r = ca.command("hangup")
    check(r is not None and r.get("ok"), "%s: alice hangs up" % label,
          "ctrl_tcp reply %r" % (r,))
    for c, who in ((ca, "alice"), (cb, "bob")):
        check(c.wait_event("CALL_CLOSED", CLOSE_S) is not None,
              "%s: %s sees CALL_CLOSED" % (label, who), "saw " + c.seen())
    if send_message(ca, label, "alice", text):
        message_answered(label, "alice", ta, text)
        message_received(label, "bob", tb, text)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    digest = "--digest" in args
    args = [x for x in args if x != "--digest"]
    try:
        if cmd == "call" and len(args) == 5:
            do_call(*args, digest)
        elif cmd == "register" and len(args) == 2:
            port, path = ua_arg(args[1])
            registered(Ctrl(port, "ua"), args[0], "baresip", path, digest)
        elif cmd == "message" and len(args) == 3:
            port, path = ua_arg(args[1])
            if send_message(Ctrl(port, "ua"), args[0], "baresip", args[2]):
                message_answered(args[0], "baresip", path, args[2])
        elif cmd == "received" and len(args) == 3:
            message_received(args[0], "baresip", args[1], args[2])
        else:
            print(__doc__)
            return 2
    except (RuntimeError, OSError, ValueError) as e:
        check(False, "%s: driver" % cmd, str(e))
    return 0 if results["fail"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
