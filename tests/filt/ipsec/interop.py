#!/usr/bin/python3
"""ESP/AH interop between pcapfilt and scapy (and tshark), run by
tests/filt/ipsec_interop_test.  One invocation per step, every case of the
matrix batched into one database, one capture and one pcapfilt run:

  setup DIR      define every tunnel with gentun (explicit keys and SPIs,
                 -y Y), write DIR/cases.json, DIR/out.pcap (cleartext from
                 the local host, one packet per case) and DIR/in.pcap
                 (per case: the peer's carrier built by scapy, the same
                 again (replay), one bit flipped, a wrong SPI, truncated
                 with a consistent IP length, truncated by the capture)
  checkout DIR   scapy decrypts/verifies DIR/enc.pcap (pcapfilt -w of
                 out.pcap) and must get each original packet back exactly
  checkin DIR    DIR/dec.pcap (pcapfilt -w of in.pcap) holds exactly the
                 originals, and DIR/in.txt (pcapfilt -d) names the reason
                 of each drop
  uat DIR        tshark esp_sa lines for the cases tshark can decrypt
  tshark DIR     compare DIR/tshark.txt with what each case carried
  stream DIR     instead of setup: the ESP cases without UDP, STREAM
                 packets through every SA, the cases interleaved;
                 DIR/in.pcap the peer's STREAM carriers per SA, sequence
                 numbers 1, 2, ...  checkout, uat and tshark then work on
                 it as on the matrix
  streamin DIR   dec.pcap holds every original of the stream, in order

Cases: every ESP algorithm pair of aix-reference.md 4.2 (AEADs with NONE)
x transport/tunnel x IPv4/IPv6 x UDP encapsulation off/on; AH with every
MAC x mode x family; AH+ESP in both orders with every ESP pair, modes,
families and AH MACs taking turns.  ESN stays off: scapy leaves the high
half out of a non-AEAD ICV (lab README), and tests/sys covers ESN.
The stream makes sure a packet's bytes owe nothing to the packets before
it on its SA (crypto.c chains its CBC contexts across packets).
"""
import hmac
import json
import os
import random
import struct
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
from scapy.all import IP, IPv6, UDP, Raw, raw, rdpcap, wrpcap  # noqa: E402
from scapy.layers.ipsec import ESP, AH, SecurityAssociation  # noqa: E402

DLT_RAW = 101
LOCAL4, LOCAL6 = "10.1.0.1", "2001:db8:1::1"

# ipsecfilt name: (key bytes, scapy name, tshark name)
CIPHERS = {
    "DES_CBC_8": (8, "DES", "DES-CBC [RFC2405]"),
    "3DES_CBC": (24, "3DES", "TripleDES-CBC [RFC2451]"),
    "AES_CBC_128": (16, "AES-CBC", "AES-CBC [RFC3602]"),
    "AES_CBC_192": (24, "AES-CBC", "AES-CBC [RFC3602]"),
    "AES_CBC_256": (32, "AES-CBC", "AES-CBC [RFC3602]"),
    "AES_CTR_128": (20, "AES-CTR", "AES-CTR [RFC3686]"),
    "AES_CTR_192": (28, "AES-CTR", "AES-CTR [RFC3686]"),
    "AES_CTR_256": (36, "AES-CTR", "AES-CTR [RFC3686]"),
    "NULL": (0, "NULL", "NULL"),
}
AEADS = {
    "AES_GCM_16_128": (20, "AES-GCM", "AES-GCM with 16 octet ICV [RFC4106]"),
    "AES_GCM_16_256": (36, "AES-GCM", "AES-GCM with 16 octet ICV [RFC4106]"),
    "CHACHA20_POLY1305": (36, "CHACHA20-POLY1305", None),
}
MACS = {
    "HMAC_MD5": (16, "HMAC-MD5-96", "HMAC-MD5-96 [RFC2403]"),
    "HMAC_SHA": (20, "HMAC-SHA1-96", "HMAC-SHA-1-96 [RFC2404]"),
    "HMAC_SHA256": (32, "SHA2-256-128", "HMAC-SHA-256-128 [RFC4868]"),
    "HMAC_SHA384": (48, "SHA2-384-192", "HMAC-SHA-384-192 [RFC4868]"),
    "HMAC_SHA512": (64, "SHA2-512-256", "HMAC-SHA-512-256 [RFC4868]"),
}
ALL = dict(CIPHERS, **AEADS, **MACS)


def esp_pairs():
    for c in CIPHERS:
        for m in MACS:
            yield c, m
    for c in AEADS:
        yield c, "NONE"


def cases():
    out = []
    pairs = list(esp_pairs())
    for c, m in pairs:
        for mode in ("transport", "tunnel"):
            for ver in (4, 6):
                for udp in (False, True):
                    out.append(dict(pol="e", enc=c, eauth=m, ah="HMAC_SHA256",
                                    mode=mode, ver=ver, udp=udp))
    for a in MACS:
        for mode in ("transport", "tunnel"):
            for ver in (4, 6):
                out.append(dict(pol="a", enc="AES_CBC_128", eauth="HMAC_SHA",
                                ah=a, mode=mode, ver=ver, udp=False))
    for pol in ("ea", "ae"):
        for i, (c, m) in enumerate(pairs):
            for mode in ("transport", "tunnel"):
                for ver in (4, 6):
                    out.append(dict(pol=pol, enc=c, eauth=m,
                                    ah=list(MACS)[i % len(MACS)],
                                    mode=mode, ver=ver, udp=False))
    return out


def hexkey(b):
    return "0x" + b.hex()


def define(cs, rnd):
    """One tunnel per case, by gentun, with keys and SPIs of its own."""
    n = {4: 0, 6: 0}
    for i, c in enumerate(cs):
        n[c["ver"]] += 1
        k = n[c["ver"]]
        c["tid"] = k
        if c["ver"] == 4:
            c["local"], c["peer"] = LOCAL4, "10.2.%d.%d" % (k // 250, k % 250 + 1)
        else:
            c["local"], c["peer"] = LOCAL6, "2001:db8:2::%x" % k
        c["spi"] = {x: 0x10000 + 16 * i + j for j, x in
                    enumerate(("sesp", "desp", "sah", "dah"))}
        c["keys"] = {}
        for side in ("s", "d"):
            c["keys"][side + "enc"] = rnd.randbytes(ALL[c["enc"]][0]).hex()
            c["keys"][side + "eauth"] = (rnd.randbytes(ALL[c["eauth"]][0]).hex()
                                         if c["eauth"] != "NONE" else "")
            c["keys"][side + "ah"] = rnd.randbytes(ALL[c["ah"]][0]).hex()
        kk = c["keys"]
        argv = ["gentun", "-v", str(c["ver"]), "-t", "manual",
                "-s", c["local"], "-d", c["peer"], "-m", c["mode"],
                "-p", c["pol"], "-P", c["pol"], "-y", "Y",
                "-T", "udp" if c["udp"] else "none",
                "-e", c["enc"], "-b", c["eauth"], "-a", c["ah"],
                "-n", str(c["spi"]["sesp"]), "-N", str(c["spi"]["desp"]),
                "-u", str(c["spi"]["sah"]), "-U", str(c["spi"]["dah"]),
                "-h", hexkey(bytes.fromhex(kk["sah"])),
                "-H", hexkey(bytes.fromhex(kk["dah"]))]
        if kk["senc"]:
            argv += ["-k", hexkey(bytes.fromhex(kk["senc"])),
                     "-K", hexkey(bytes.fromhex(kk["denc"]))]
        if kk["seauth"]:
            argv += ["-c", hexkey(bytes.fromhex(kk["seauth"])),
                     "-C", hexkey(bytes.fromhex(kk["deauth"]))]
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("case %d: %s: %s" % (i, " ".join(argv), r.stderr))


def save(d, cs, k):
    with open(os.path.join(d, "cases.json"), "w") as f:
        json.dump({"stream": k, "cases": cs}, f)


def setup(d):
    rnd = random.Random(4303)
    cs = cases()
    define(cs, rnd)
    wrpcap(os.path.join(d, "out.pcap"), [clear(c, i, out=True)
                                         for i, c in enumerate(cs)],
           linktype=DLT_RAW)
    inb = []
    for i, c in enumerate(cs):
        inb += inbound(c, i, rnd)
    wrpcap(os.path.join(d, "in.pcap"), inb, linktype=DLT_RAW)
    save(d, cs, 1)


STREAM = 4      # packets through each SA in the stream steps


def stream(d):
    rnd = random.Random(7303)
    cs = [c for c in cases() if c["pol"] == "e" and not c["udp"]]
    define(cs, rnd)
    fr = frames(cs, STREAM)
    wrpcap(os.path.join(d, "out.pcap"), [clear(c, j, out=True)
                                         for c, j in fr], linktype=DLT_RAW)
    # One scapy SA per case for the whole stream: it numbers 1, 2, ...
    peer = [sas(c, "d")[0] for c in cs]
    wrpcap(os.path.join(d, "in.pcap"),
           [ipcls(c)(raw(peer[j % len(cs)].encrypt(clear(c, j, out=False))))
            for c, j in fr], linktype=DLT_RAW)
    save(d, cs, STREAM)


def frames(cs, k):
    """Packet j of a capture: case j mod n, the j-th cleartext; k rounds
    of every case in turn (k = 1: the matrix, one packet per case)."""
    return [(cs[j % len(cs)], j) for j in range(k * len(cs))]


def ipcls(c):
    return IP if c["ver"] == 4 else IPv6


def clear(c, i, out):
    """The cleartext packet of case i: UDP, sizes varying with i."""
    src, dst = (c["local"], c["peer"]) if out else (c["peer"], c["local"])
    payload = bytes((i * 7 + j) & 0xff for j in range(1 + (i * 37) % 300))
    p = ipcls(c)(src=src, dst=dst) / UDP(sport=40000 + (i % 100),
                                         dport=41000) / Raw(payload)
    return ipcls(c)(raw(p))


def sas(c, side):
    """scapy SAs of one side ('s' sends from local, 'd' from the peer), in
    the order the sender applies them."""
    kk = c["keys"]
    src, dst = (c["local"], c["peer"]) if side == "s" else (c["peer"], c["local"])
    hdr = ipcls(c)(src=src, dst=dst)
    order = {"e": "E", "a": "A", "ea": "EA", "ae": "AE"}[c["pol"]]
    res = []
    for j, p in enumerate(order):
        tunnel = hdr.copy() if (j == 0 and c["mode"] == "tunnel") else None
        if p == "E":
            enc = ALL[c["enc"]][1]
            auth = ALL[c["eauth"]][1] if c["eauth"] != "NONE" else None
            res.append(SecurityAssociation(
                ESP, spi=c["spi"][side + "esp"], seq_num=1,
                crypt_algo=enc,
                crypt_key=bytes.fromhex(kk[side + "enc"]) or None,
                auth_algo=auth,
                auth_key=bytes.fromhex(kk[side + "eauth"]) or None,
                tunnel_header=tunnel,
                nat_t_header=UDP(sport=4500, dport=4500) if c["udp"] else None))
        else:
            res.append(SecurityAssociation(
                AH, spi=c["spi"][side + "ah"], seq_num=1,
                auth_algo=ALL[c["ah"]][1],
                auth_key=bytes.fromhex(kk[side + "ah"]),
                tunnel_header=tunnel))
    return res


def fix_natt(c, p):
    """scapy freezes the UDP length at 8 (lab README), so the IP length
    is short too; IPv6 also needs a real UDP checksum (RFC 8200 8.1),
    IPv4 keeps RFC 3948's zero."""
    p[UDP].len = None
    if c["ver"] == 4:
        p.len = None
        p.chksum = None
    else:
        p[UDP].chksum = None
        p.plen = None
    return p


HASH = {"HMAC_MD5": ("md5", 12), "HMAC_SHA": ("sha1", 12),
        "HMAC_SHA256": ("sha256", 16), "HMAC_SHA384": ("sha384", 24),
        "HMAC_SHA512": ("sha512", 32)}


def ref_ah(c, side, b):
    """RFC 4302 transport-mode AH, written from the RFC with hashlib:
    scapy 2.5 signs AH over an ESP packet wrongly (all-zero ICV field,
    the real ICV appended), so the outer AH of an ea bundle is made
    here.  Mutable fields zeroed for the ICV as in RFC 4302 3.3.3.1."""
    name, icvlen = HASH[c["ah"]]
    hl = 20 if c["ver"] == 4 else 40
    align = 4 if c["ver"] == 4 else 8
    ahlen = -(-(12 + icvlen) // align) * align
    ip, body = bytearray(b[:hl]), b[hl:]
    if c["ver"] == 4:
        nh, ip[9] = ip[9], 51
    else:
        nh, ip[6] = ip[6], 51
    ip = bytearray(set_iplen(c, bytes(ip) + bytes(ahlen) + body)[:hl])
    ah = bytearray(struct.pack("!BBHLL", nh, ahlen // 4 - 2, 0,
                               c["spi"][side + "ah"], 1)) + bytes(ahlen - 12)
    z = bytearray(ip)
    if c["ver"] == 4:
        z[1] = 0
        z[6:8] = b"\0\0"
        z[8] = 0
        z[10:12] = b"\0\0"
    else:
        z[0:4] = b"\x60\0\0\0"
        z[7] = 0
    mac = hmac.new(bytes.fromhex(c["keys"][side + "ah"]), bytes(z + ah) + body,
                   name).digest()[:icvlen]
    ah[12:12 + icvlen] = mac
    return bytes(ip + ah) + body


def protect(c, side, p):
    for sa in sas(c, side):
        if sa.proto == AH and c["pol"] == "ea":
            p = ipcls(c)(ref_ah(c, side, raw(p)))
            continue
        p = sa.encrypt(p)
        if sa.nat_t_header is not None:
            p = fix_natt(c, p)
        p = ipcls(c)(raw(p))
    return p


def set_iplen(c, b):
    b = bytearray(b)
    if c["ver"] == 4:
        b[2:4] = len(b).to_bytes(2, "big")
        b[10:12] = b"\0\0"
        s = sum(int.from_bytes(b[k:k + 2], "big") for k in range(0, 20, 2))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        b[10:12] = (~s & 0xffff).to_bytes(2, "big")
    else:
        b[4:6] = (len(b) - 40).to_bytes(2, "big")
    return bytes(b)


def hdrs(c):
    """Offset of the outer IPsec header (after UDP) and its SPI offset."""
    ip = 20 if c["ver"] == 4 else 40
    off = ip + (8 if c["udp"] else 0)
    outer = c["pol"][-1] if len(c["pol"]) == 2 else c["pol"]
    spi = off + (4 if outer == "a" else 0)
    body = off + (12 if outer == "a" else 8)
    return ip, spi, body


def reudp(c, b):
    """After a change, the UDP length and (IPv6) checksum made right
    again, as an attacker would: the test is for ESP, not for UDP."""
    if not c["udp"]:
        return bytes(b)
    p = ipcls(c)(bytes(b))
    p[UDP].len = None
    if c["ver"] == 6:
        p[UDP].chksum = None
    return raw(p)


def inbound(c, i, rnd):
    """The peer's carrier, after its damaged copies, with the reason
    pcapfilt -d must give each: a flipped bit (after the IPsec header)
    fails the ICV; an unknown SPI finds no SA; one byte less with the
    IP length to match leaves ESP off its alignment (malformed) or AH
    without its ICV; one byte less than the IP length says is
    malformed; then the intact carrier passes once, its copy is a
    replay (-y Y)."""
    good = raw(protect(c, "d", clear(c, i, out=False)))
    ip, spi, body = hdrs(c)
    flip = bytearray(good)
    bit = rnd.randrange(body * 8, len(good) * 8)
    flip[bit // 8] ^= 1 << (bit % 8)
    wrong = bytearray(good)
    wrong[spi:spi + 4] = (0xdead0000 + i).to_bytes(4, "big")
    short = reudp(c, set_iplen(c, good[:-1]))
    cut = good[:-1]
    outer_ah = c["pol"] in ("a", "ea")
    c["expect"] = ["icv", "no-sa", "icv" if outer_ah else "malformed",
                   "malformed", "decap", "replay"]
    return [ipcls(c)(reudp(c, flip)), ipcls(c)(reudp(c, wrong)),
            ipcls(c)(short), Raw(cut), ipcls(c)(good), ipcls(c)(good)]


def load(d):
    """The cases and how many packets each SA carries."""
    with open(os.path.join(d, "cases.json")) as f:
        j = json.load(f)
    return j["cases"], j["stream"]


def checkout(d):
    cs, k = load(d)
    fr = frames(cs, k)
    pk = rdpcap(os.path.join(d, "enc.pcap"))
    if len(pk) != len(fr):
        sys.exit("enc.pcap: %d packets for %d" % (len(pk), len(fr)))
    bad = 0
    for (c, j), p in zip(fr, pk):
        try:
            q = ipcls(c)(raw(p))
            if c["udp"]:
                check_natt(c, q)
            if k > 1 and c["pol"] == "e" and q[ESP].seq != j // len(cs) + 1:
                raise ValueError("sequence number %d" % q[ESP].seq)
            for sa in reversed(sas(c, "s")):
                q = sa.decrypt(q)
                q = ipcls(c)(raw(q))
            if c["udp"] and c["ver"] == 6 and c["mode"] == "transport":
                q = scapy_natt6(q)
            if raw(q) != raw(clear(c, j, out=True)):
                raise ValueError("inner packet differs")
        except Exception as e:  # noqa: BLE001
            bad += 1
            print("packet %d %s: %s" % (j, desc(c), e), file=sys.stderr)
    if bad:
        sys.exit("%d of %d packets failed" % (bad, len(fr)))
    if k == 1:
        print("%d cases decrypted and verified by scapy" % len(cs))
    else:
        print("%d packets, %d through each of %d SAs, decrypted and "
              "verified by scapy" % (len(fr), k, len(cs)))


def check_natt(c, q):
    """RFC 3948 2.1: ports 4500, the UDP length; IPv4 checksum zero, IPv6
    a correct one (scapy's decrypt looks at neither)."""
    u = q[UDP]
    if (u.sport, u.dport) != (4500, 4500) or u.len != len(raw(u)):
        raise ValueError("UDP header %s" % u.summary())
    want = 0
    fresh = q.copy()
    fresh[UDP].chksum = None
    if c["ver"] == 6:
        want = ipcls(c)(raw(fresh))[UDP].chksum
    if u.chksum != want:
        raise ValueError("UDP checksum %#x, want %#x" % (u.chksum, want))


def scapy_natt6(q):
    """scapy 2.5 leaves the UDP header of an IPv6 transport-mode NAT-T
    packet in place after decrypting; cut it out (after checking it is
    that header) so the bytes can be compared."""
    b = raw(q)
    if b[40:44] != bytes.fromhex("11941194"):
        raise ValueError("scapy: no leftover NAT-T header")
    b = bytearray(b[:40] + b[48:])
    b[4:6] = (len(b) - 40).to_bytes(2, "big")
    return IPv6(bytes(b))


def desc(c):
    return "%s v%d %s %s/%s ah=%s%s" % (c["pol"], c["ver"], c["mode"], c["enc"],
                                        c["eauth"], c["ah"],
                                        " udp" if c["udp"] else "")


def checkin(d):
    cs, _ = load(d)
    pk = rdpcap(os.path.join(d, "dec.pcap"))
    with open(os.path.join(d, "in.txt")) as f:
        lines = f.read().splitlines()
    bad = 0
    if len(pk) != len(cs) or len(lines) != 6 * len(cs):
        sys.exit("dec.pcap: %d packets, in.txt %d lines for %d cases" %
                 (len(pk), len(lines), len(cs)))
    for i, c in enumerate(cs):
        got = [ln.rsplit(" X:", 1)[1] for ln in lines[6 * i:6 * i + 6]]
        if got != c["expect"]:
            bad += 1
            print("case %d %s: reasons %s, want %s" % (i, desc(c), got,
                  c["expect"]), file=sys.stderr)
        if raw(pk[i]) != raw(clear(c, i, out=False)):  # the 5th packet
            bad += 1
            print("case %d %s: decapsulated packet differs" % (i, desc(c)),
                  file=sys.stderr)
    if bad:
        sys.exit("%d problems in %d cases" % (bad, len(cs)))
    print("%d cases decrypted by pcapfilt, %d damaged copies dropped" %
          (len(cs), 5 * len(cs)))


def streamin(d):
    cs, k = load(d)
    fr = frames(cs, k)
    pk = rdpcap(os.path.join(d, "dec.pcap"))
    with open(os.path.join(d, "in.txt")) as f:
        lines = f.read().splitlines()
    if len(pk) != len(fr) or len(lines) != len(fr):
        sys.exit("dec.pcap: %d packets, in.txt %d lines for %d" %
                 (len(pk), len(lines), len(fr)))
    bad = 0
    for (c, j), p, ln in zip(fr, pk, lines):
        if not ln.endswith(" X:decap") or raw(p) != raw(clear(c, j, out=False)):
            bad += 1
            print("packet %d %s: %s" % (j, desc(c), ln), file=sys.stderr)
    if bad:
        sys.exit("%d of %d packets failed" % (bad, len(fr)))
    print("%d packets, %d through each of %d SAs, decrypted by pcapfilt" %
          (len(fr), k, len(cs)))


def tshark_ok(c):
    """ESP outermost (e, and ae: AH inside it) and a cipher tshark has."""
    return c["pol"] in ("e", "ae") and ALL[c["enc"]][2] is not None


def uat(d):
    for c in load(d)[0]:
        if not tshark_ok(c):
            continue
        kk = c["keys"]
        print('"IPv%d","%s","%s","0x%08x","%s","%s","%s","%s"' % (
            c["ver"], c["local"], c["peer"], c["spi"]["sesp"],
            ALL[c["enc"]][2], hexkey(bytes.fromhex(kk["senc"])),
            ALL[c["eauth"]][2] if c["eauth"] != "NONE" else "NULL",
            hexkey(bytes.fromhex(kk["seauth"])) if kk["seauth"] else ""))


def tshark(d):
    """tshark.txt: frame number, ICV verdict, UDP ports and payload of the
    innermost datagram, one line per frame of enc.pcap."""
    cs, k = load(d)
    with open(os.path.join(d, "tshark.txt")) as f:
        rows = [ln.split("\t") for ln in f.read().splitlines()]
    n = bad = 0
    for (c, j), row in zip(frames(cs, k), rows):
        if not tshark_ok(c):
            continue
        n += 1
        want = raw(clear(c, j, out=True)[UDP].payload).hex()
        icv = row[1] if len(row) > 1 else ""
        data = row[-1].split(",")[-1] if len(row) > 2 else ""
        if data != want or (c["eauth"] != "NONE" and "1" not in icv.split(",")
                            and "True" not in icv.split(",")):
            bad += 1
            print("packet %d %s: tshark icv %r data %s..." % (
                j, desc(c), icv, data[:16]), file=sys.stderr)
    if bad:
        sys.exit("%d of %d tshark packets failed" % (bad, n))
    if k == 1:
        print("%d cases decrypted by tshark" % n)
    else:
        print("%d packets decrypted by tshark" % n)


if __name__ == "__main__":
    {"setup": setup, "checkout": checkout, "checkin": checkin, "uat": uat,
     "tshark": tshark, "stream": stream,
     "streamin": streamin}[sys.argv[1]](sys.argv[2])
