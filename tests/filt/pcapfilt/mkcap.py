#!/usr/bin/python3
"""Build the captures of pcapfilt_test, and read back what pcapfilt wrote.

    mkcap.py NAME OUT.pcap              write capture NAME
    mkcap.py links                      lN.pcap: the link-type capture,
                                        framed for each link type N
    mkcap.py mutants OUT.pcap LINKTYPE  3000 randomly damaged packets
    mkcap.py ipbytes FILE [N ...]       hex of each packet's IP bytes
                                        (only packets N..., counted from 1)
    mkcap.py linktype FILE              the file's link type number

Scapy only builds the packets; the file format is written here so that
every byte, timestamps included, is fixed: the same capture on every run.
Packet i (from 0) has the time T0 + i unless the builder says otherwise.
"""

import random
import struct
import sys

from scapy.all import (AH, ARP, ESP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q,
                       Ether, ICMPv6EchoRequest, IPOption_NOP, IPv6,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, Raw)

T0 = 1700000000         # 2023-11-14 22:13:20 UTC

# pcap link types (https://www.tcpdump.org/linktypes.html)
LT_NULL, LT_EN10MB, LT_RAW, LT_LOOP = 0, 1, 101, 108
LT_SLL, LT_IPV4, LT_IPV6, LT_SLL2, LT_USER0 = 113, 228, 229, 276, 147

V4L, V4R = "10.0.0.1", "192.0.2.1"      # local host, remote host
V6L, V6R = "2001:db8::1", "2001:db8:0:1::99"
MAC1, MAC2 = "02:00:00:00:00:01", "02:00:00:00:00:02"


def b(p):
    return bytes(p)


def arp():
    """Every field given: scapy would fill in this host's addresses."""
    return b(ARP(hwsrc=MAC1, psrc=V4R, hwdst="00:00:00:00:00:00", pdst=V4L))


def udp4(dst, sport=1000, dport=2000, src=V4R, load=b""):
    return b(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / load)


def tcp4(dst, sport, dport, flags="S", src=V4R):
    return b(IP(src=src, dst=dst) / TCP(sport=sport, dport=dport,
                                        flags=flags, seq=1000))


def icmp4(dst, typ=8, code=0, src=V4R):
    return b(IP(src=src, dst=dst) / ICMP(type=typ, code=code, id=1, seq=1))


def frags4(dst, dport=2000, ident=7):
    """One UDP datagram with 24 bytes of data: unfragmented, then its
    two fragments of 16 bytes each (RFC 791: offsets in 8-byte units)."""
    whole = IP(src=V4R, dst=dst, id=ident) / UDP(sport=1000, dport=dport) \
        / (b"f" * 24)
    l4 = b(whole)[20:]
    first = IP(src=V4R, dst=dst, id=ident, flags="MF", frag=0, proto=17) \
        / Raw(l4[:16])
    later = IP(src=V4R, dst=dst, id=ident, frag=2, proto=17) / Raw(l4[16:])
    return [b(whole), b(first), b(later)]


def frags6(dst, ident=9):
    """The IPv6 form (RFC 8200 4.5): Fragment header, then the pieces."""
    whole = IPv6(src=V6R, dst=dst) / UDP(sport=1000, dport=2000) \
        / (b"f" * 24)
    l4 = b(whole)[40:]
    first = IPv6(src=V6R, dst=dst) / IPv6ExtHdrFragment(
        nh=17, offset=0, m=1, id=ident) / Raw(l4[:16])
    later = IPv6(src=V6R, dst=dst) / IPv6ExtHdrFragment(
        nh=17, offset=2, m=0, id=ident) / Raw(l4[16:])
    return [b(whole), b(first), b(later)]


def cap_proto4():
    """Outbound from the local host, one packet per protocol rule."""
    return [
        tcp4(V4R, 40000, 443, "SA", src=V4L),
        tcp4(V4R, 40001, 22, "S", src=V4L),
        b(IP(src=V4L, dst=V4R) / UDP(sport=5353, dport=53) / b"abcd"),
        icmp4(V4R, 8, 0, src=V4L),
        b(IP(src=V4L, dst=V4R) / ESP(spi=0x1000, seq=1, data=b"e" * 16)),
        b(IP(src=V4L, dst=V4R) / AH(spi=0x2000, seq=1, icv=b"\0" * 12,
                                     nh=59, payloadlen=4)),
        b(IP(src=V4L, dst=V4R, proto=89) / Raw(b"o" * 24)),
        b(IP(src=V4L, dst=V4R) / IP(src="10.9.0.1", dst="10.9.0.2") /
          UDP(sport=1, dport=2)),
        b(IP(src=V4L, dst=V4R, proto=47) / Raw(b"\0\0\x08\0")),
        b(IP(src=V4L, dst=V4R, proto=132) / Raw(b"s" * 12)),
    ]


def cap_proto6():
    """Inbound to the local host; addresses that need RFC 5952 form."""
    odd = "2001:db8:0:0:1:0:0:1"
    return [
        b(IPv6(src=V6R, dst=V6L) / TCP(sport=80, dport=50000, flags="A")),
        b(IPv6(src=V6R, dst=V6L) / TCP(sport=50001, dport=22, flags="S")),
        b(IPv6(src=odd, dst="2001:DB8::A") / UDP(sport=1000, dport=2000)),
        b(IPv6(src=V6R, dst=V6L) / ICMPv6EchoRequest(id=1, seq=1)),
        b(IPv6(src=V6R, dst=V6L) / ESP(spi=0x1000, seq=1, data=b"e" * 16)),
        b(IPv6(src=V6R, dst=V6L) / AH(spi=0x2000, seq=1, icv=b"\0" * 12,
                                       nh=59, payloadlen=4)),
        b(IPv6(src=V6R, dst=V6L) / IPv6ExtHdrHopByHop() /
          UDP(sport=1000, dport=2000)),
        b(IPv6(src=V6R, dst=V6L, nh=132) / Raw(b"s" * 12)),
    ]


def cap_ports():
    """Each operator at its edges: source ports (UDP) to 10.0.3.1-10.0.9.1,
    destination ports (TCP) to 10.0.10.1-10.0.15.1, ICMP type/code to
    10.0.16.1-10.0.17.1, protocol all to 10.0.18.1."""
    p = []
    for dst, sports in (("10.0.3.1", (999, 1000, 1001)),      # eq 1000
                        ("10.0.4.1", (1000, 1001)),           # neq 1000
                        ("10.0.5.1", (999, 1000)),            # lt 1000
                        ("10.0.6.1", (1000, 1001)),           # le 1000
                        ("10.0.7.1", (1001, 1000)),           # gt 1000
                        ("10.0.8.1", (1000, 999)),            # ge 1000
                        ("10.0.9.1", (1,))):                  # any
        p += [udp4(dst, sport=s, dport=7) for s in sports]
    for dst, dports in (("10.0.10.1", (80, 81)),              # eq 80
                        ("10.0.11.1", (80, 81)),              # neq 80
                        ("10.0.12.1", (79, 80)),              # lt 80
                        ("10.0.13.1", (80, 81)),              # le 80
                        ("10.0.14.1", (81, 80)),              # gt 80
                        ("10.0.15.1", (80, 79))):             # ge 80
        p += [tcp4(dst, 40000, d) for d in dports]
    p += [icmp4("10.0.16.1", 8, 0), icmp4("10.0.16.1", 0, 0),
          icmp4("10.0.17.1", 13, 0), icmp4("10.0.17.1", 13, 1),
          icmp4("10.0.17.1", 12, 0)]
    p += [udp4("10.0.18.1", dport=53), tcp4("10.0.18.1", 40000, 53),
          icmp4("10.0.18.1"), udp4("10.0.18.1", dport=54)]
    return p


def cap_masks():
    return [
        udp4("10.1.200.3", src="192.0.2.77"),
        udp4("10.1.0.1", src="192.0.3.1"),
        udp4("10.2.0.1", src="192.0.2.1"),
        udp4(V4L, src="198.51.100.7"),
        udp4(V4L, src="198.51.100.8"),
        b(IPv6(src="2001:db8:aa:ffff::5", dst="2001:db8:bb::1") / UDP()),
        b(IPv6(src="2001:db8:ab::5", dst="2001:db8:bb::1") / UDP()),
        b(IPv6(src="2001:db8:aa::5", dst="2001:db8:bb::2") / UDP()),
        b(IPv6(src="2001:db8:ffff::1", dst=V6L) / UDP()),
        b(IPv6(src="2001:db8:7fff::1", dst=V6L) / UDP()),
    ]


def cap_frag():
    p = []
    for d in ("10.0.3.1", "10.0.4.1", "10.0.5.1", "10.0.6.1"):
        p += frags4(d)
    p += frags4("10.0.7.1", dport=53)[1:]
    for d in ("2001:db8::3", "2001:db8::4", "2001:db8::5"):
        p += frags6(d)
    return p


def cap_dir():
    return [
        tcp4("192.0.2.5", 40000, 22, "S", src=V4L),
        tcp4(V4L, 22, 40000, "SA", src="192.0.2.5"),
        tcp4(V4L, 5000, 22, "S", src="192.0.2.5"),
        icmp4("198.51.100.9", src="192.0.2.5"),
        icmp4("192.0.2.5", src=V4L),
        udp4(V4L, src="192.0.2.5"),
    ]


def cap_default():
    return [udp4(V4L, dport=9), tcp4(V4L, 40000, 25),
            udp4(V4L, sport=4001, dport=4001)]


def cap_ifelse():
    o = "198.51.100.1"
    return [
        tcp4(V4L, 40000, 22), udp4(V4L, dport=53), udp4(V4L, dport=54),
        icmp4(V4L), tcp4(V4L, 40000, 80),
        udp4(V4L, dport=53, src=o), tcp4(V4L, 40000, 80, src=o),
        icmp4(V4L, src=o),
    ]


def cap_expire():
    """Times matter here: the rules load at the first packet's time."""
    return [(T0, tcp4(V4L, 40000, 22)),
            (T0 + 9, udp4(V4L, dport=1000)),
            (T0 + 11, udp4(V4L, dport=1000)),
            (T0 + 3600, udp4(V4L, dport=1000)),
            (T0 + 3601, udp4(V4L, dport=1001))]


def cap_shun():
    """A telnet attempt shuns its source for 30 s of capture time."""
    o = "198.51.100.1"
    return [(T0, udp4(V4L, dport=53)),
            (T0 + 1, tcp4(V4L, 40000, 23)),
            (T0 + 2, udp4(V4L, dport=53)),
            (T0 + 3, udp4(V4L, dport=53, src=o)),
            (T0 + 30, tcp4(V4L, 40000, 80)),
            (T0 + 32, udp4(V4L, dport=53))]


def eth(ip, tags=()):
    """An Ethernet frame around an IP packet, with 802.1ad/802.1Q tags."""
    f = Ether(src=MAC1, dst=MAC2)
    for kind, vid in tags:
        f = f / (Dot1AD(vlan=vid) if kind == "ad" else Dot1Q(vlan=vid))
    return b(f / IP(ip)) if ip[0] >> 4 == 4 else b(f / IPv6(ip))


def cap_wout():
    """Ethernet, some frames tagged; the odd ones are denied, and the
    short UDP packet gets the Ethernet padding a real wire adds."""
    pkts = [
        eth(udp4(V4L, dport=2000)),
        eth(udp4(V4L, dport=2001), [("q", 5)]),
        eth(tcp4(V4L, 40000, 22, "S"), [("ad", 100), ("q", 5)]),
        eth(tcp4(V4L, 40000, 23, "S")),
        eth(b(IPv6(src=V6R, dst=V6L) / UDP(sport=1, dport=2000) / b"v6")),
        eth(b(IPv6(src=V6R, dst=V6L) / UDP(sport=1, dport=2001))),
        b(Ether(src=MAC1, dst="ff:ff:ff:ff:ff:ff", type=0x0806) / arp()),
        eth(udp4(V4L, dport=2000, load=b"x")) + b"\0" * 17,
    ]
    return pkts


def cap_link(lt):
    """The same IPv4 and IPv6 packet and one non-IP frame, framed for
    link type lt."""
    v4 = udp4(V4L, dport=2000)
    v6 = b(IPv6(src=V6R, dst=V6L) / UDP(sport=1000, dport=2000))
    if lt == LT_RAW:
        return [v4, v6]
    if lt == LT_IPV4:
        return [v4]
    if lt == LT_IPV6:
        return [v6]
    if lt == LT_EN10MB:
        return [eth(v4, [("q", 7)]), eth(v6),
                b(Ether(src=MAC1, dst=MAC2, type=0x0806) / arp())]
    if lt == LT_SLL:
        hdr = struct.pack("!HHH8s", 0, 1, 6, b"\2\0\0\0\0\1\0\0")
        return [hdr + struct.pack("!H", 0x0800) + v4,
                hdr + struct.pack("!H", 0x86dd) + v6,
                hdr + struct.pack("!H", 0x0806) + arp()]
    if lt == LT_SLL2:
        hdr = struct.pack("!HHIHBB8s", 0, 0, 2, 1, 0, 6,
                          b"\2\0\0\0\0\1\0\0")
        return [struct.pack("!H", 0x0800) + hdr[2:] + v4,
                struct.pack("!H", 0x86dd) + hdr[2:] + v6,
                struct.pack("!H", 0x0806) + hdr[2:] + arp()]
    if lt == LT_NULL:           # the capturing host's order: little-endian
        return [struct.pack("<I", 2) + v4, struct.pack("<I", 24) + v6,
                struct.pack("<I", 7) + b"not ip"]
    if lt == LT_LOOP:           # network order; FreeBSD's AF_INET6
        return [struct.pack("!I", 2) + v4, struct.pack("!I", 28) + v6,
                struct.pack("!I", 7) + b"not ip"]
    if lt == LT_USER0:
        return [v4]
    raise SystemExit("mkcap.py: no link capture for link type %d" % lt)


def cap_malformed():
    """Broken IPv4/IPv6 packets, each followed by nothing: pcapfilt must
    print a #:- line for each and go on.  The last one is well formed."""
    good4 = udp4(V4L, dport=2000, load=b"12345678")
    good6 = b(IPv6(src=V6R, dst=V6L) / UDP(sport=1000, dport=2000) /
              b"12345678")
    p = []
    p.append(good4[:12])                                # short IPv4 header
    p.append(bytes([0x44]) + good4[1:])                 # IHL 4 < 5
    p.append(good4[:2] + struct.pack("!H", 200) + good4[4:])  # length > cap
    p.append(good4[:2] + struct.pack("!H", 10) + good4[4:])   # length < IHL
    t = b(IP(src=V4R, dst=V4L) / TCP(sport=1, dport=2, dataofs=2))
    p.append(t)                                         # TCP offset 2 < 5
    p.append(b(IP(src=V4R, dst=V4L, proto=6) / Raw(b"\0" * 10)))  # short TCP
    u = bytearray(good4)
    u[24:26] = struct.pack("!H", 4)                     # UDP length 4 < 8
    p.append(bytes(u))
    u = bytearray(good4)
    u[24:26] = struct.pack("!H", 400)                   # UDP length > IP
    p.append(bytes(u))
    p.append(b(IP(src=V4R, dst=V4L, proto=1) / Raw(b"\x08")))  # short ICMP
    opt = b(IP(src=V4R, dst=V4L, options=[IPOption_NOP()] * 4) / UDP())
    o = bytearray(opt)
    o[20:24] = b"\x44\x00\x00\x00"                      # option length 0
    p.append(bytes(o))
    p.append(b(IP(src=V4R, dst=V4L, flags="MF", frag=8190) / Raw(b"x" * 64)))
    p.append(bytes([0x50]) + good4[1:])                 # version 5
    p.append(b"")                                       # nothing at all
    p.append(good6[:30])                                # short IPv6 header
    s = bytearray(good6)
    s[4:6] = struct.pack("!H", 300)                     # payload > captured
    p.append(bytes(s))
    h = b(IPv6(src=V6R, dst=V6L) / IPv6ExtHdrHopByHop(len=20) / UDP())
    p.append(h)                                         # ext header overrun
    p.append(good4)
    p.append(good6)
    return p


def cap_demo():
    """make demo: a web server, 10.0.0.1 and 2001:db8::1, on a busy day."""
    c4, c6, snmp = "203.0.113.5", "2001:db8:5::5", "198.51.100.7"
    return [
        tcp4(V4L, 51000, 443, "S", src=c4),
        tcp4(c4, 443, 51000, "SA", src=V4L),
        tcp4(V4L, 51001, 23, "S", src=c4),
        icmp4(V4L, 8, 0, src=c4),
        icmp4(c4, 0, 0, src=V4L),
        udp4(V4L, sport=40000, dport=161, src=snmp),
        b(IPv6(src=c6, dst=V6L) / TCP(sport=51002, dport=443, flags="S")),
        tcp4(V4L, 51003, 443, "S", src=c4)[:30],
    ]


CAPS = {
    "proto4": cap_proto4, "proto6": cap_proto6, "ports": cap_ports,
    "masks": cap_masks, "frag": cap_frag, "dir": cap_dir,
    "default": cap_default, "ifelse": cap_ifelse, "expire": cap_expire,
    "wout": cap_wout, "malformed": cap_malformed, "empty": lambda: [],
    "demo": cap_demo, "shun": cap_shun,
}


def cap_mutants(lt, count=3000):
    """Well-formed packets with random bytes changed and random lengths,
    framed for link type lt; seeded, so the same on every run."""
    rnd = random.Random(lt)
    base = cap_proto4() + cap_proto6() + cap_frag() + cap_malformed()
    pkts = []
    for _ in range(count):
        p = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 4)):
            if p:
                p[rnd.randrange(min(len(p), 64))] = rnd.randrange(256)
        p = bytes(p[:rnd.randint(0, len(p))] if rnd.random() < 0.3 else p)
        if lt == LT_EN10MB:
            tags = b"".join(struct.pack("!HH", rnd.choice((0x8100, 0x88a8)),
                                        rnd.randrange(4096))
                            for _ in range(rnd.randint(0, 2)))
            et = 0x0800 if p[:1] and p[0] >> 4 == 4 else 0x86dd
            p = (b"\2\0\0\0\0\2\2\0\0\0\0\1" + tags +
                 struct.pack("!H", et) + p)[:rnd.randint(0, 80)
                                                if rnd.random() < 0.1 else None]
        pkts.append(p)
    return pkts


def write_pcap(path, lt, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, lt))
        for i, p in enumerate(pkts):
            t, data = p if isinstance(p, tuple) else (T0 + i, p)
            f.write(struct.pack("<IIII", t, 0, len(data), len(data)))
            f.write(data)


def read_pcap(path):
    """(link type, [frame bytes]) of a little- or big-endian pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    e = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    lt = struct.unpack(e + "I", data[20:24])[0]
    off, frames = 24, []
    while off < len(data):
        _, _, caplen, _ = struct.unpack(e + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return lt, frames


def main(argv):
    if len(argv) >= 3 and argv[1] == "ipbytes":
        lt, frames = read_pcap(argv[2])
        want = [int(n) for n in argv[3:]]
        for i, f in enumerate(frames, 1):
            if want and i not in want:
                continue
            if lt == LT_EN10MB:
                # Scapy's view of the IP layer, without any link padding.
                e = Ether(f)
                ip = e[IP] if IP in e else e[IPv6]
                n = ip.len if IP in e else 40 + ip.plen
                f = b(ip)[:n]
            elif lt != LT_RAW:
                raise SystemExit("mkcap.py: ipbytes: link type %d" % lt)
            print(f.hex())
        return
    if len(argv) == 3 and argv[1] == "linktype":
        print(read_pcap(argv[2])[0])
        return
    if len(argv) == 4 and argv[1] == "mutants":
        lt = int(argv[3])
        write_pcap(argv[2], lt, cap_mutants(lt))
        return
    if len(argv) == 2 and argv[1] == "links":
        for lt in (LT_NULL, LT_EN10MB, LT_RAW, LT_LOOP, LT_SLL, LT_IPV4,
                   LT_IPV6, LT_SLL2, LT_USER0):
            write_pcap("l%d.pcap" % lt, lt, cap_link(lt))
        return
    if len(argv) != 3 or argv[1] not in CAPS:
        raise SystemExit(__doc__)
    write_pcap(argv[2], LT_EN10MB if argv[1] == "wout" else LT_RAW,
               CAPS[argv[1]]())


if __name__ == "__main__":
    main(sys.argv)
