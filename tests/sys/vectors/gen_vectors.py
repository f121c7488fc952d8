#!/usr/bin/python3
"""Make the ESP and AH wire vectors that esp_test and ah_test check byte for
byte: tests/sys/vectors/esp.vec and ah.vec.

    /usr/bin/python3 tests/sys/vectors/gen_vectors.py tests/sys/vectors

scapy 2.5 (python3-scapy) protects each packet with fixed keys, IV and
sequence number.  Its known limits (see the lab README) are worked around
here, not in the engine:
  - ESN with a separate integrity algorithm: scapy leaves the high 32 bits
    out of the ICV, so for those cases the ICV is recomputed over
    SPI..ciphertext || seq_hi as RFC 4303 3.3.2.1 says (the ciphertext does
    not depend on the ESN);
  - nat_t_header leaves the UDP length at 8: it is fixed up.

One line per case, fields separated by one space, '-' for empty:
  name proto mode af flags enc ekey auth akey spi seq iv off plain protected
proto esp|ah; mode transport|tunnel; af the outer family; flags: e (ESN),
u (ESP-in-UDP) or -; seq the full 64-bit number; off where ESP/AH starts in
protected; plain and protected are whole IP packets in hex.
"""
import hashlib
import hmac
import os
import struct
import sys
import warnings

warnings.filterwarnings("ignore")
from scapy.all import (IP, IPv6, UDP, Raw, raw, IPOption,  # noqa: E402
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrRouting, HBHOptUnknown, RouterAlert)
from scapy.layers.ipsec import ESP, AH, SecurityAssociation  # noqa: E402

# engine name: (scapy name, key bytes)
ENC = {
    "DES_CBC_8": ("DES", 8), "3DES_CBC": ("3DES", 24),
    "AES_CBC_128": ("AES-CBC", 16), "AES_CBC_192": ("AES-CBC", 24),
    "AES_CBC_256": ("AES-CBC", 32),
    "AES_CTR_128": ("AES-CTR", 20), "AES_CTR_192": ("AES-CTR", 28),
    "AES_CTR_256": ("AES-CTR", 36),
    "AES_GCM_16_128": ("AES-GCM", 20), "AES_GCM_16_256": ("AES-GCM", 36),
    "CHACHA20_POLY1305": ("CHACHA20-POLY1305", 36), "NULL": ("NULL", 0),
}
AUTH = {
    "HMAC_MD5": ("HMAC-MD5-96", 16, hashlib.md5, 12),
    "HMAC_SHA": ("HMAC-SHA1-96", 20, hashlib.sha1, 12),
    "HMAC_SHA256": ("SHA2-256-128", 32, hashlib.sha256, 16),
    "HMAC_SHA384": ("SHA2-384-192", 48, hashlib.sha384, 24),
    "HMAC_SHA512": ("SHA2-512-256", 64, hashlib.sha512, 32),
    "NONE": (None, 0, None, 16),
}
AEAD = ("AES_GCM_16_128", "AES_GCM_16_256", "CHACHA20_POLY1305")
COUNTER_IV = AEAD + ("AES_CTR_128", "AES_CTR_192", "AES_CTR_256")

OUT4 = ("192.0.2.1", "192.0.2.2")          # tunnel endpoints, as esp_test
OUT6 = ("2001:db8::1", "2001:db8::2")
SPI = 0x1001


def key(n, seed):
    return bytes((seed + 7 * i) & 0xff for i in range(n))


def plain(af, mode, n):
    """A UDP packet with n payload bytes; tunnel mode uses inner addresses."""
    data = bytes((0x41 + i) % 256 for i in range(n))
    if af == 4:
        s, d = ("10.1.0.1", "10.2.0.1") if mode == "tunnel" else OUT4
        p = IP(src=s, dst=d, tos=0x28, id=0x1234, flags="DF", ttl=61) / \
            UDP(sport=1234, dport=5678) / Raw(data)
    else:
        s, d = ("2001:db8:1::1", "2001:db8:2::1") if mode == "tunnel" \
            else OUT6
        p = IPv6(src=s, dst=d, tc=0x28, fl=0x12345, hlim=61) / \
            UDP(sport=1234, dport=5678) / Raw(data)
    return p.__class__(raw(p))


def tunnel_header(af, inner, seq):
    """The outer header esp.c/ah.c write: TOS/TC and DF copied, TTL 64,
    IPv4 ID = low 16 bits of the sequence number, flow label 0."""
    if inner.version == 4:
        tos, df = inner.tos, "DF" if inner.flags.DF else 0
    else:
        tos, df = inner.tc, 0
    if af == 4:
        return IP(src=OUT4[0], dst=OUT4[1], tos=tos, id=seq & 0xffff,
                  flags=df, ttl=64)
    return IPv6(src=OUT6[0], dst=OUT6[1], tc=tos, fl=0, hlim=64)


def hdr_off(wire):
    """Where ESP/AH (or the UDP header in front of ESP) starts."""
    if wire[0] >> 4 == 4:
        return (wire[0] & 15) * 4
    off, nh = 40, wire[6]
    while nh in (0, 43, 60):
        nh, off = wire[off], off + (wire[off + 1] + 1) * 8
    return off


def esp_case(out, name, mode, af, enc, auth, seq, n, esn=False, natt=False,
             pkt=None, inner_af=None):
    senc, eklen = ENC[enc]
    sauth, aklen, hfn, icvlen = AUTH[auth]
    ek, ak = key(eklen, 0x10), key(aklen, 0x80)
    inner = pkt if pkt is not None else plain(inner_af or af, mode, n)
    kw = dict(crypt_algo=senc, crypt_key=ek or None)
    if sauth:
        kw.update(auth_algo=sauth, auth_key=ak)
    if mode == "tunnel":
        kw["tunnel_header"] = tunnel_header(af, inner, seq)
    if natt:
        kw["nat_t_header"] = UDP(sport=4500, dport=4500)
    if esn:
        kw.update(esn_en=True, esn=seq >> 32)
    sa = SecurityAssociation(ESP, spi=SPI, **kw)
    if enc in COUNTER_IV:
        iv = struct.pack("!Q", seq)
    elif senc == "NULL":
        iv = b""
    else:
        iv = key(16 if "AES" in enc else 8, 0xc0)
    ekw = {"iv": iv} if iv else {}
    wire = bytearray(raw(sa.encrypt(inner, seq_num=seq & 0xffffffff, **ekw)))
    off = hdr_off(wire)
    if natt:
        struct.pack_into("!H", wire, off + 4, len(wire) - off)
        off += 8
    if esn and enc not in AEAD:
        body = bytes(wire[off:len(wire) - icvlen])
        mac = hmac.new(ak, body + struct.pack("!L", seq >> 32), hfn)
        wire[len(wire) - icvlen:] = mac.digest()[:icvlen]
    # scapy must take its own packet back (not possible for its ESN gap)
    if not (esn and enc not in AEAD):
        rx = SecurityAssociation(ESP, spi=SPI, **kw)
        back = rx.decrypt(wire[0] >> 4 == 4 and IP(bytes(wire)) or
                          IPv6(bytes(wire)))
        assert raw(back) == raw(inner), name
    flags = ("e" if esn else "") + ("u" if natt else "") or "-"
    out.write(" ".join([name, "esp", mode, str(af), flags, enc,
                        ek.hex() or "-", auth, ak.hex() or "-", str(SPI),
                        str(seq), iv.hex() or "-", str(off), raw(inner).hex(),
                        bytes(wire).hex()]) + "\n")


def ah_case(out, name, mode, af, auth, seq, n, esn=False, pkt=None):
    sauth, aklen, _, _ = AUTH[auth]
    ak = key(aklen, 0x80)
    inner = pkt if pkt is not None else plain(af, mode, n)
    kw = dict(auth_algo=sauth, auth_key=ak)
    if mode == "tunnel":
        kw["tunnel_header"] = tunnel_header(af, inner, seq)
    if esn:
        kw.update(esn_en=True, esn=seq >> 32)
    sa = SecurityAssociation(AH, spi=SPI, **kw)
    wire = raw(sa.encrypt(inner, seq_num=seq & 0xffffffff))
    rx = SecurityAssociation(AH, spi=SPI, **kw)
    rx.decrypt(IP(wire) if af == 4 else IPv6(wire))  # raises on a bad ICV
    out.write(" ".join([name, "ah", mode, str(af), "e" if esn else "-",
                        "NULL", "-", auth, ak.hex(), str(SPI), str(seq), "-",
                        str(hdr_off(wire)), raw(inner).hex(), wire.hex()]) +
              "\n")


def v6_exthdrs(routing=True):
    """Transport mode after hop-by-hop, destination options and routing
    headers; the destination options after the routing header are the
    final destination's and go inside (RFC 4303 3.1.1)."""
    p = IPv6(src=OUT6[0], dst=OUT6[1], tc=0x10, fl=7, hlim=33) / \
        IPv6ExtHdrHopByHop(options=[RouterAlert()]) / \
        IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x3e, optdata=b"ab")])
    # scapy's AH sender reorders a routing header even with segleft 0,
    # which its own receiver then rejects: AH vectors go without one.
    if routing:
        p /= IPv6ExtHdrRouting(addresses=["2001:db8::9"], segleft=0)
    p /= IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x1e,
                                                  optdata=b"cd")]) / \
        UDP(sport=1, dport=2) / Raw(b"extension headers")
    return IPv6(raw(p))


def v4_options():
    """Router Alert (immutable) and a timestamp option (mutable)."""
    p = IP(src=OUT4[0], dst=OUT4[1], tos=0xb8, ttl=9, id=0x4321,
           options=[IPOption(b"\x94\x04\x00\x00"),
                    IPOption(b"\x44\x0c\x05\x00" + b"\x00" * 8)]) / \
        UDP(sport=7, dport=9) / Raw(b"ipv4 options")
    return IP(raw(p))


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)
    macs = ["HMAC_MD5", "HMAC_SHA", "HMAC_SHA256", "HMAC_SHA384",
            "HMAC_SHA512"]
    with open(os.path.join(d, "esp.vec"), "w") as out:
        i = 0
        for enc in ENC:
            for mode in ("transport", "tunnel"):
                for af in (4, 6):
                    auth = "NONE" if enc in AEAD else macs[i % len(macs)]
                    n = i % 19          # every padding length
                    esp_case(out, "%s-%s-%s-v%d" % (enc, auth, mode, af),
                             mode, af, enc, auth, 1 + i, n)
                    i += 1
        # the other family inside the tunnel
        esp_case(out, "AES_GCM_16_128-NONE-tunnel-v6in4", "tunnel", 4,
                 "AES_GCM_16_128", "NONE", 77, 20, inner_af=6)
        esp_case(out, "AES_CBC_128-HMAC_SHA256-tunnel-v4in6", "tunnel", 6,
                 "AES_CBC_128", "HMAC_SHA256", 78, 20, inner_af=4)
        # ESN: seq past 2^32, AEAD (scapy) and HMAC (ICV recomputed)
        for enc, auth in (("AES_GCM_16_128", "NONE"),
                          ("AES_CBC_128", "HMAC_SHA"),
                          ("AES_CTR_256", "HMAC_SHA256")):
            esp_case(out, "%s-%s-tunnel-v4-esn" % (enc, auth), "tunnel", 4,
                     enc, auth, (5 << 32) + 3, 33, esn=True)
        # ESP-in-UDP, RFC 3948
        esp_case(out, "AES_GCM_16_256-NONE-tunnel-v4-natt", "tunnel", 4,
                 "AES_GCM_16_256", "NONE", 9, 40, natt=True)
        esp_case(out, "AES_CBC_256-HMAC_SHA512-transport-v4-natt",
                 "transport", 4, "AES_CBC_256", "HMAC_SHA512", 10, 41,
                 natt=True)
        esp_case(out, "AES_CBC_128-HMAC_SHA-transport-v6-exthdrs",
                 "transport", 6, "AES_CBC_128", "HMAC_SHA", 11, 0,
                 pkt=v6_exthdrs())
    with open(os.path.join(d, "ah.vec"), "w") as out:
        i = 0
        for auth in macs:
            for mode in ("transport", "tunnel"):
                for af in (4, 6):
                    ah_case(out, "%s-%s-v%d" % (auth, mode, af), mode, af,
                            auth, 1 + i, i % 7)
                    i += 1
        ah_case(out, "HMAC_SHA-transport-v4-esn", "transport", 4, "HMAC_SHA",
                (2 << 32) + 9, 30, esn=True)
        ah_case(out, "HMAC_SHA256-tunnel-v6-esn", "tunnel", 6, "HMAC_SHA256",
                (1 << 32) + 1, 30, esn=True)
        ah_case(out, "HMAC_SHA-transport-v4-options", "transport", 4,
                "HMAC_SHA", 5, 0, pkt=v4_options())
        ah_case(out, "HMAC_SHA256-transport-v6-exthdrs", "transport", 6,
                "HMAC_SHA256", 6, 0, pkt=v6_exthdrs(routing=False))


if __name__ == "__main__":
    main()
