#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The module SDK on the wire (tests/module/sdkprobe.c loaded into
# tandemd): tdm_scr_reply() headers and body (stateless and for INVITE),
# tdm_scr_peer() over UDP and TCP, tdm_scr_set_targets() with a dst
# override, Path as Route, parallel and serial forking, a TCP flow reused
# by conn_id and 430 once it is closed, tdm_node_setting(),
# tdm_node_listen_get(), tdm_node_send() (whose 200 is absorbed quietly)
# and tdm_node_on_conn_closed(). A small Python client plays the UAC, two
# UDP UASs and the TCP client. Loopback ports 23960-23969.
set -u
tandemd=./tandemd
mods=$(pwd)/tests/module/.libs
command -v python3 >/dev/null 2>&1 || { echo "python3 missing: skipped"; exit 77; }
[ -f "$mods/sdkprobe.so" ] || { echo "sdkprobe.so missing: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
node=
cleanup() {
	[ -n "$node" ] && kill -KILL "$node" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/node.route" <<'EOF'
settings { listen = ["udp:127.0.0.1:23960", "tcp:127.0.0.1:23960"] }
load "sdkprobe"
route request {
    match request.uri.user {
        "reply" => { sdkprobe.reply(202) }
        "busy" => { sdkprobe.reply(486) }
        "plain" => { reply(403, "Nope") }
        "remember" => {
            if (sdkprobe.remember() > 0) { sdkprobe.reply(200) } else { reply(500) }
        }
        "dst" => {
            sdkprobe.targets("sip:bob@nowhere.invalid^sip:127.0.0.1:23962;transport=udp^^")
            record_route()
            relay()
        }
        "path" => {
            sdkprobe.targets("sip:bob@nowhere.invalid^^<sip:127.0.0.1:23962;lr>, <sip:p2.invalid;lr>^")
            relay()
        }
        "flow" => {
            sdkprobe.targets("sip:bob@127.0.0.1:9;transport=tcp^^^flow")
            relay()
        }
        "fork" => {
            sdkprobe.targets("sip:b1@x.invalid^sip:127.0.0.1:23962^^|sip:b2@x.invalid^sip:127.0.0.1:23963^^")
            relay()
        }
        "serial" => {
            sdkprobe.targets("sip:serial1@x.invalid^sip:127.0.0.1:23963^^")
            relay()
        }
        "send" => {
            if (sdkprobe.send(23962) == 0) { reply(200) } else { reply(500) }
        }
        else => { reply(404) }
    }
}
route failure {
    if (request.uri.user == "serial1") {
        sdkprobe.targets("sip:serial2@x.invalid^sip:127.0.0.1:23962^^")
        relay()
    }
}
EOF

${WRAP:-} $tandemd --module-path "$mods" -f "$tmp/node.route" 2>"$tmp/node.log" &
node=$!
i=0
while [ $i -lt 100 ] && ! grep -q 'msg="*ready' "$tmp/node.log"; do
	sleep 0.1
	i=$((i + 1))
done

python3 - "$tmp" <<'PY'
import select, socket, sys

NODE = ('127.0.0.1', 23960)
WAIT = 5.0          # seconds a reply may take before the case fails
passed = failed = 0

def ok(name):
    global passed
    passed += 1
    print('PASS: ' + name)

def ko(name, why):
    global failed
    failed += 1
    print('FAIL: %s (%s)' % (name, why[:600].replace('\r\n', ' | ')))

def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', port))
    return s

cli, uas1, uas2 = udp(23961), udp(23962), udp(23963)
tcp = None
tcpbuf = b''
seen = {'uas1': [], 'uas2': [], 'tcp': [], 'uas1_src': []}

def hdr(msg, name):
    for line in msg.split('\r\n')[1:]:
        if not line:
            break
        n, _, v = line.partition(':')
        if n.strip().lower() == name.lower():
            return v.strip()
    return None

def hdrs(msg, name):
    out = []
    for line in msg.split('\r\n')[1:]:
        if not line:
            break
        n, _, v = line.partition(':')
        if n.strip().lower() == name.lower():
            out.append(v.strip())
    return out

def body(msg):
    return msg.partition('\r\n\r\n')[2]

def answer(req, code, reason):
    lines = ['SIP/2.0 %d %s' % (code, reason)]
    for line in req.split('\r\n')[1:]:
        if not line:
            break
        n = line.partition(':')[0].strip().lower()
        if n in ('via', 'v', 'from', 'f', 'call-id', 'i', 'cseq', 'record-route'):
            lines.append(line)
        elif n in ('to', 't'):
            lines.append(line + (';tag=uas' if 'tag=' not in line else ''))
    lines.append('Content-Length: 0')
    return ('\r\n'.join(lines) + '\r\n\r\n').encode()

def request(user, method='MESSAGE', cid=None, transport='UDP', port=23961):
    cid = cid or user + '-' + method
    return ('%s sip:%s@127.0.0.1:23960 SIP/2.0\r\n'
            'Via: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bK-%s;rport\r\n'
            'Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\n'
            'To: <sip:%s@example.com>\r\nCall-ID: %s\r\nCSeq: 1 %s\r\n'
            'Contact: <sip:alice@127.0.0.1:%d;transport=%s>\r\n'
            'Content-Length: 0\r\n\r\n' % (method, user, transport, port, cid,
                                           user, cid, method, port,
                                           transport.lower())).encode(), cid

def tcp_frames():
    global tcpbuf
    out = []
    while b'\r\n\r\n' in tcpbuf:
        head, _, rest = tcpbuf.partition(b'\r\n\r\n')
        n = 0
        for line in head.split(b'\r\n'):
            if line.lower().startswith(b'content-length:'):
                n = int(line.split(b':')[1])
        if len(rest) < n:
            break
        out.append((head + b'\r\n\r\n' + rest[:n]).decode())
        tcpbuf = rest[n:]
    return out

def pump(cid, wait=WAIT):
    """Serves the UASs and the TCP client until the UAC (UDP or TCP) gets
    the final response for cid; returns it, or None after `wait` seconds
    of silence."""
    global tcpbuf
    socks = [cli, uas1, uas2] + ([tcp] if tcp else [])
    while True:
        r, _, _ = select.select(socks, [], [], wait)
        if not r:
            return None
        for s in r:
            if s is tcp:
                data = tcp.recv(65536)
                if not data:
                    socks.remove(tcp)
                    continue
                tcpbuf += data
                msgs = tcp_frames()
            else:
                data, src = s.recvfrom(65536)
                msgs = [data.decode()]
            for m in msgs:
                if m.startswith('SIP/2.0 '):
                    code = int(m.split()[1])
                    if hdr(m, 'Call-ID') == cid and code >= 200:
                        return m
                    continue
                if s is uas1:
                    seen['uas1'].append(m)
                    seen['uas1_src'].append(src)
                    s.sendto(answer(m, 200, 'OK'), src)
                elif s is uas2:
                    seen['uas2'].append(m)
                    s.sendto(answer(m, 486, 'Busy Here'), src)
                elif s is tcp:
                    seen['tcp'].append(m)
                    tcp.sendall(answer(m, 200, 'OK'))

def settle(pred):
    """Keeps serving until pred() holds (a branch still in flight after
    the UAC got its answer), for at most WAIT seconds of silence."""
    for _ in range(int(WAIT / 0.1)):
        if pred():
            return
        pump('never', 0.1)

def ask(user, method='MESSAGE', cid=None):
    m, cid = request(user, method, cid)
    cli.sendto(m, NODE)
    return pump(cid)

def status(m):
    return int(m.split()[1]) if m else 0

# 1. tdm_scr_reply, stateless (MESSAGE)
r = ask('reply')
if (status(r) == 202 and hdr(r, 'X-Probe') == 'yes' and
        hdr(r, 'X-Peer') == 'udp 127.0.0.1 23961 conn=0 local=127.0.0.1:23960 li=0' and
        hdr(r, 'Content-Type') == 'text/plain' and body(r) == 'probe body\r\n'):
    ok('tdm_scr_reply: headers and body on a stateless reply, tdm_scr_peer over UDP')
else:
    ko('tdm_scr_reply stateless', r or 'no reply')
if r and hdr(r, 'X-Listen') == 'udp:127.0.0.1:23960, tcp:127.0.0.1:23960' and \
        hdr(r, 'X-Setting') not in (None, '-') and \
        hdr(r, 'X-Listen0') == 'udp 127.0.0.1:23960 127.0.0.1:23960':
    ok('tdm_node_setting (lists joined with ", ") and tdm_node_listen_get')
else:
    ko('tdm_node_setting / tdm_node_listen_get', r or 'no reply')

# 2. tdm_scr_reply on an INVITE (stateful)
r = ask('busy', 'INVITE')
if status(r) == 486 and hdr(r, 'X-Probe') == 'yes' and body(r) == 'probe body\r\n' \
        and 'tag=' in (hdr(r, 'To') or ''):
    ok('tdm_scr_reply: headers and body on a stateful INVITE reply')
else:
    ko('tdm_scr_reply INVITE', r or 'no reply')
if r:
    ack = request('busy', 'ACK', 'busy-INVITE')[0].decode()
    ack = ack.replace('To: <sip:busy@example.com>', 'To: ' + hdr(r, 'To'))
    cli.sendto(ack.replace('CSeq: 1 ACK', 'CSeq: 1 ACK').encode(), NODE)

# 3. reply() keeps working
r = ask('plain')
if status(r) == 403 and r.startswith('SIP/2.0 403 Nope\r\n') and hdr(r, 'X-Probe') is None:
    ok('reply() unchanged')
else:
    ko('reply()', r or 'no reply')

# 4. dst overrides resolving the Request-URI
r = ask('dst')
got = [m for m in seen['uas1'] if hdr(m, 'Call-ID') == 'dst-MESSAGE']
if status(r) == 200 and got and got[0].startswith('MESSAGE sip:bob@nowhere.invalid SIP/2.0') \
        and hdr(got[0], 'Record-Route'):
    ok('set_targets dst: sent to dst, Request-URI kept, Record-Route added')
else:
    ko('set_targets dst', (r or 'no reply') + ' / ' + (got[0] if got else 'nothing at the UAS'))

# 5. Path becomes Route, request goes to the first Path hop
r = ask('path')
got = [m for m in seen['uas1'] if hdr(m, 'Call-ID') == 'path-MESSAGE']
if got and got[0].startswith('MESSAGE sip:bob@nowhere.invalid SIP/2.0') and \
        hdrs(got[0], 'Route') == ['<sip:127.0.0.1:23962;lr>, <sip:p2.invalid;lr>']:
    ok('set_targets path: Route inserted, sent to the first Path hop')
else:
    ko('set_targets path', got[0] if got else 'nothing at the UAS')

# 6. parallel forking to two dst
r = ask('fork')
settle(lambda: [m for m in seen['uas2'] if hdr(m, 'Call-ID') == 'fork-MESSAGE'])
g1 = [m for m in seen['uas1'] if hdr(m, 'Call-ID') == 'fork-MESSAGE']
g2 = [m for m in seen['uas2'] if hdr(m, 'Call-ID') == 'fork-MESSAGE']
if status(r) == 200 and g1 and g2 and g1[0].startswith('MESSAGE sip:b1@x.invalid ') \
        and g2[0].startswith('MESSAGE sip:b2@x.invalid '):
    ok('set_targets with two targets forks in parallel')
else:
    ko('parallel fork', '%s / uas1 %d uas2 %d' % (r or 'no reply', len(g1), len(g2)))

# 7. serial forking from the failure route
r = ask('serial')
g1 = [m for m in seen['uas1'] if hdr(m, 'Call-ID') == 'serial-MESSAGE']
g2 = [m for m in seen['uas2'] if hdr(m, 'Call-ID') == 'serial-MESSAGE']
if status(r) == 200 and g2 and g1 and g1[0].startswith('MESSAGE sip:serial2@x.invalid '):
    ok('failure route calls set_targets again (serial forking)')
else:
    ko('serial fork', '%s / uas1 %d uas2 %d' % (r or 'no reply', len(g1), len(g2)))

# 8. a TCP flow: remembered, reused by conn_id, 430 once closed
tcp = socket.create_connection(NODE)
m, cid = request('remember', 'REGISTER', transport='TCP', port=tcp.getsockname()[1])
tcp.sendall(m)
r = pump(cid)
peer = hdr(r, 'X-Peer') if r else None
if status(r) == 200 and peer and peer.startswith('tcp 127.0.0.1 %d conn=' % tcp.getsockname()[1]) \
        and ' conn=0 ' not in peer:
    ok('tdm_scr_peer over TCP names the connection')
else:
    ko('tdm_scr_peer TCP', r or 'no reply')
r = ask('flow')
got = [m for m in seen['tcp'] if hdr(m, 'Call-ID') == 'flow-MESSAGE']
if status(r) == 200 and got and got[0].startswith('MESSAGE sip:bob@127.0.0.1:9;transport=tcp ') \
        and 'SIP/2.0/TCP' in (hdr(got[0], 'Via') or ''):
    ok('set_targets conn_id: sent on the client\'s TCP connection')
else:
    ko('flow reuse', (r or 'no reply') + ' / ' + str(len(got)))
tcp.close()
tcp = None
r = None
for _ in range(50):
    r = ask('reply', cid='closed-%d' % _)
    if r and hdr(r, 'X-Closed') and hdr(r, 'X-Closed').endswith(' 1'):
        break
    select.select([], [], [], 0.1)
if r and hdr(r, 'X-Closed') and hdr(r, 'X-Closed').split()[1] == '1':
    ok('tdm_node_on_conn_closed: the listener heard the flow close')
else:
    ko('conn closed listener', r or 'no reply')
r = ask('flow', cid='flow-closed')
if status(r) == 430:
    ok('a closed flow fails the branch with 430 Flow Failed')
else:
    ko('430 on a closed flow', r or 'no reply')

# 9. tdm_node_send: an OPTIONS from the listen socket, its 200 absorbed
r = ask('send')
opt = [m for m in seen['uas1'] if m.startswith('OPTIONS ')]
if status(r) == 200 and not opt:
    settle(lambda: [m for m in seen['uas1'] if m.startswith('OPTIONS ')])
    opt = [m for m in seen['uas1'] if m.startswith('OPTIONS ')]
srcs = [seen['uas1_src'][i] for i, m in enumerate(seen['uas1']) if m.startswith('OPTIONS ')]
if opt and srcs and srcs[0] == ('127.0.0.1', 23960) and \
        (hdr(opt[0], 'Via') or '').startswith('SIP/2.0/UDP 127.0.0.1:23960;branch=z9hG4bK-probe-ka'):
    ok('tdm_node_send: OPTIONS sent from listen 0 over UDP')
else:
    ko('tdm_node_send', '%s / %d OPTIONS' % (r or 'no reply', len(opt)))
ask('plain', cid='last')  # the node has read the OPTIONS' 200 by now
print('%d passed, %d failed' % (passed, failed))
open(sys.argv[1] + '/py.result', 'w').write('%d %d\n' % (passed, failed))
PY

kill -TERM "$node"
wait "$node"
rc=$?
node=
read -r pass fail <"$tmp/py.result" 2>/dev/null || { pass=0 fail=1; }
if grep -Eq 'level=(error|warn)' "$tmp/node.log"; then
	echo "FAIL: tandemd logged errors or warnings:"
	grep -E 'level=(error|warn)' "$tmp/node.log" | head -5
	fail=$((fail + 1))
else
	echo "PASS: nothing logged at warn or error (the OPTIONS' 200 absorbed quietly)"
	pass=$((pass + 1))
fi
[ $rc -eq 0 ] || { echo "FAIL: tandemd exited $rc"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
