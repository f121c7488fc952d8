#!/usr/bin/python3
"""Write the fuzz targets' seed corpora into tests/fuzz/corpus/TARGET/.

    /usr/bin/python3 tests/fuzz/mkseeds.py [DIR]

ipf_input, ipf_output: the packets of the pcapfilt captures
(tests/filt/pcapfilt/mkcap.py), each behind the two header bytes of
fuzz_ipf.h, and real ESP and AH packets that scapy protects with the
peer's keys and SPIs of tests/fuzz/fuzz_ipf.c, so that mutations start
from packets the host's SAs verify.  rule, tunfield: the records of the
golden files in tests/filt and tests/tun, and genfilt/gentun command
lines.  ctl: one well-formed request of each type.

Seeds are named by the SHA-1 of their bytes, as libFuzzer names inputs.
"""
import glob
import hashlib
import os
import struct
import sys
import warnings

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "filt", "pcapfilt"))
import mkcap  # noqa: E402
from scapy.all import IP, IPv6, TCP, UDP, ICMP, Raw  # noqa: E402
from scapy.layers.ipsec import ESP, AH, SecurityAssociation  # noqa: E402

FZ_LOCAL, FZ_WRAP = 0x01, 0x40
PK = bytes((0x80 + i) & 0xff for i in range(192))   # the peer's keys
HOST4, HOST6 = "192.0.2.100", "2001:db8::100"


def put(out, target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def spi(tid):
    return 0x2000 + 16 * tid


def esp_sa(tid, algo, klen, auth=None, alen=0, tunnel=None):
    return SecurityAssociation(
        ESP, spi=spi(tid), crypt_algo=algo, crypt_key=PK[:klen],
        auth_algo=auth, auth_key=PK[64:64 + alen] if auth else None,
        tunnel_header=tunnel)


def ah_sa(tid, auth, alen):
    return SecurityAssociation(AH, spi=spi(tid) + 1, auth_algo=auth,
                               auth_key=PK[128:128 + alen])


def ipsec_seeds():
    """What the peer sends the host through tunnels 1-3 (v4), 1-2 (v6)."""
    p4 = ["192.0.2.10%d" % i for i in range(8)]
    p6 = ["2001:db8::10%d" % i for i in range(8)]
    out = []
    for seq in (1, 2, 70):
        inner = IP(src="10.1.0.5", dst="172.16.1.7") / UDP(
            sport=1000, dport=53) / Raw(b"q" * seq)
        sa = esp_sa(1, "AES-CBC", 16, "HMAC-SHA1-96", 20,
                    IP(src=p4[1], dst=HOST4))
        out.append(bytes(sa.encrypt(inner, seq_num=seq)))
        pkt = IP(src=p4[2], dst=HOST4) / TCP(sport=1, dport=22) / Raw(b"a")
        out.append(bytes(ah_sa(2, "SHA2-256-128", 32).encrypt(
            pkt, seq_num=seq)))
        inner = IP(src="10.3.0.5", dst="172.16.3.7") / ICMP()
        e = esp_sa(3, "AES-GCM", 20, tunnel=IP(src=p4[3], dst=HOST4))
        out.append(bytes(ah_sa(3, "HMAC-SHA1-96", 20).encrypt(
            IP(bytes(e.encrypt(inner, seq_num=seq))), seq_num=seq)))
        inner = IPv6(src="2001:db8:b:1::5", dst="2001:db8:a:1::7") / UDP(
            sport=5, dport=6) / Raw(b"v" * seq)
        sa = esp_sa(1, "AES-GCM", 36, tunnel=IPv6(src=p6[1], dst=HOST6))
        out.append(bytes(sa.encrypt(inner, seq_num=seq)))
        pkt = IPv6(src=p6[2], dst=HOST6) / UDP(sport=9, dport=9)
        out.append(bytes(ah_sa(2, "SHA2-384-192", 48).encrypt(
            pkt, seq_num=seq)))
    return out


def packet_seeds():
    pkts = []
    for name, fn in sorted(mkcap.CAPS.items()):
        if name in ("wout", "demo"):
            continue
        for p in fn():
            pkts.append(p[1] if isinstance(p, tuple) else p)
    return pkts


def text_lines(pattern):
    lines = []
    for path in sorted(glob.glob(os.path.join(TESTS, pattern))):
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line and not line.startswith("#") and "|" in line:
                    lines.append(line)
    return lines


GENFILT = [
    "v4\nasomething",
    "aP\ns10.0.0.1\nm255.255.255.0\nd192.0.2.0\nM24\nctcp\noeq\np22\nOgt"
    "\nP1023\nrL\nwI\nlY\nfN\nt3\nieth0\ne60\nx0x474554\nDssh",
    "aD\ncicmp\no<\np8\nO=\nP0\nfO",
    "aI\ncudp\nP53",
    "aE",
    "aS\nctcp\nP6666\ne30",
    "aH\nctcp/ack\ngN\nrR\nfH\nX/etc/pattern",
    "a permit\ns2001:db8::1\nm64\ncall",
    "c89\nsany",
]
GENTUN = [
    "s192.0.2.1\nd192.0.2.2",
    "s192.0.2.1\nd198.51.100.0\nx255.255.255.0\nf192.0.2.254\npea\nPae"
    "\nmtunnel\nl480\nu1001\nU1002\nn2001\nN2002\nahmac_sha256"
    "\neaes_cbc_128\nEaes_cbc_128\nbhmac_sha256\nyY\nqY\nTudp",
    "s2001:db8::1\nd2001:db8::2\npe\neaes_gcm_16_128\nbNONE\nmtransport",
    "s10.0.0.1\nd10.0.0.2\npa\nahmac_md5\nk0x00112233445566778899aabbccddeeff",
]


def ctl_seeds():
    out = []
    for t in range(1, 11):
        for ver in (4, 6):
            out.append(struct.pack("=HHIii", 1, t, 16, ver, 1))
    out.append(struct.pack("=HHI", 1, 64, 8))
    out.append(struct.pack("=HHI", 1, 67, 8))
    return out


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(HERE, "corpus")
    for p in packet_seeds():
        put(out, "ipf_input", bytes([FZ_LOCAL, 0]) + p)
        put(out, "ipf_output", bytes([FZ_LOCAL, 0]) + p)
    for p in ipsec_seeds():
        put(out, "ipf_input", bytes([FZ_LOCAL, 0]) + p)
    for n in range(1, 7):
        dst = "10.%d.0.9" % n if n not in (2, 6) else "192.0.2.10%d" % n
        p = bytes(IP(src="172.16.%d.1" % n if n not in (2, 6) else HOST4,
                     dst=dst) / TCP(sport=7, dport=80, flags="A"))
        put(out, "ipf_output", bytes([FZ_LOCAL, 0]) + p)
        src = "10.%d.0.9" % n if n not in (2, 6) else "192.0.2.10%d" % n
        p = bytes(IP(src=src, dst="172.16.%d.1" % n if n not in (2, 6)
                     else HOST4) / UDP(sport=7, dport=9) / Raw(b"w" * n))
        put(out, "ipf_input", bytes([FZ_LOCAL | FZ_WRAP, 0]) + p)
    for dst in ("2001:db8:b:1::9", "2001:db8:b:3::9", "2001:db8::102"):
        p = bytes(IPv6(src="2001:db8:a:1::1", dst=dst) / UDP(sport=7,
                                                              dport=9))
        put(out, "ipf_output", bytes([FZ_LOCAL, 0]) + p)
    for line in text_lines("filt/*.ok"):
        ver = 0x01 if ":" in line.split("|")[2:3][0:1] and False else 0
        ncol = line.count("|") + 1
        ver = 0x01 if ("::" in line or "2001:" in line) else 0
        db = 0x04 if ncol == 23 or (ncol == 3 and "filt4" in line) else 0
        put(out, "rule", bytes([ver | db]) + line.encode())
        put(out, "rule", bytes([ver | 0x04]) + line.encode() + b"|no")
    for s in GENFILT:
        for c in (0x02, 0x03, 0x06):
            put(out, "rule", bytes([c]) + s.encode())
    for line in text_lines("tun/*.ok"):
        ver = 0x01 if ("::" in line or "2001:" in line) else 0
        ncol = line.count("|") + 1
        fmt = 2 if ncol == 30 else 1 if ncol == 30 - 0 else 0
        put(out, "tunfield", bytes([ver | (fmt << 2)]) + line.encode())
        put(out, "tunfield", bytes([ver | (1 << 2)]) + line.encode() +
            b"|N|none|active")
    for s in GENTUN:
        ver = 0x01 if "::" in s else 0
        for c in (0x02, 0x06):
            put(out, "tunfield", bytes([ver | c]) + s.encode())
    for m in ctl_seeds():
        put(out, "ctl", m)


if __name__ == "__main__":
    main(sys.argv)
