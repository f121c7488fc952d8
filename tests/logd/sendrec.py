#!/usr/bin/python3
# sendrec.py SOCKET: send ipsec_logd one datagram per line of stdin.
#
# An independent encoder of the record layout of lib/logrec.h, so the
# tests check the daemon against the documented bytes, not against the
# C encoder.  Lines:
#
#   pkt key=value ...   a traffic record (keys below, defaults in PKT)
#   tun key=value ...   a tunnel event record (defaults in TUN)
#   hex HEXBYTES        these exact bytes
#
# Both record kinds also take set=OFFSET:BYTE (overwrite a byte after
# encoding), cut=N (send only the first N bytes) and pad=N (N zero bytes
# more).  Records joined by " + " on one line go in one datagram, as
# ipsecd batches them.  Sends block, so nothing is lost to a full socket.
import ipaddress
import socket
import struct
import sys

PKT = dict(time=0, rule=1, act="p", dir="in", ver=4, proto=6, ack=0,
           icmp=0, frag=0, routed=0, sport=0, dport=0, tunnel=0, len=40,
           local="0.0.0.0", src="0.0.0.0", dst="0.0.0.0", ifname="eth0")
TUN = dict(time=0, ev="activated", ver=4, proto="0", tunnel=1, espspi=0,
           ahspi=0, seq=0, src="0.0.0.0", dst="0.0.0.0")
EVENTS = ["cleared", "activated", "deactivated", "expired", "replay",
          "icv", "policy"]
PROTOS = {"0": 0, "esp": 50, "ah": 51}


def addr(s, ver):
    if ver not in (4, 6):
        return bytes(16)
    return ipaddress.ip_address(s).packed.ljust(16, b"\0")


def header(kind, length, t):
    return struct.pack("!BBHIQ", 1, kind, length, 0, t)


def pkt(f):
    ver = int(f["ver"])
    flags = (int(f["ack"]) | int(f["icmp"]) << 1 | int(f["frag"]) << 2 |
             int(f["routed"]) << 3)
    rule = 0xffffffff if f["rule"] == "-" else int(f["rule"])
    body = struct.pack("!IBBBBBBHHHII", rule, f["act"] == "p",
                       {"in": 1, "out": 2}[f["dir"]], ver, int(f["proto"]),
                       flags, 0, int(f["sport"]), int(f["dport"]), 0,
                       int(f["tunnel"]), int(f["len"]))
    body += addr(f["local"], ver) + addr(f["src"], ver) + \
        addr(f["dst"], ver) + f["ifname"].encode().ljust(16, b"\0")
    return header(1, 104, int(f["time"])) + body


def tun(f):
    ver = int(f["ver"])
    body = struct.pack("!BBBBIIIQ", EVENTS.index(f["ev"]), ver,
                       PROTOS[f["proto"]], 0, int(f["tunnel"]),
                       int(f["espspi"]), int(f["ahspi"]), int(f["seq"]))
    body += addr(f["src"], ver) + addr(f["dst"], ver)
    return header(2, 72, int(f["time"])) + body


def record(line):
    words = line.split()
    if words[0] == "hex":
        return bytes.fromhex("".join(words[1:]))
    f = dict(PKT if words[0] == "pkt" else TUN)
    edits = []
    for w in words[1:]:
        k, v = w.split("=", 1)
        if k in ("set", "cut", "pad"):
            edits.append((k, v))
        elif k in f:
            f[k] = v
        else:
            sys.exit("sendrec.py: unknown key %s" % k)
    b = bytearray(pkt(f) if words[0] == "pkt" else tun(f))
    for k, v in edits:
        if k == "set":
            off, val = v.split(":")
            b[int(off)] = int(val, 0)
        elif k == "cut":
            b = b[:int(v)]
        else:
            b += bytes(int(v))
    return bytes(b)


def main():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(sys.argv[1])
    for line in sys.stdin:
        if line.strip():
            s.send(b"".join(record(r) for r in line.split(" + ")))


main()
