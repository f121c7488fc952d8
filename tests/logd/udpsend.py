#!/usr/bin/python3
# udpsend.py SRC SPORT DST DPORT COUNT [SIZE]: send COUNT UDP datagrams
# of SIZE payload bytes (default 10) from SRC:SPORT, as fast as the
# socket takes them; exit 0 once all are sent.
import socket
import sys

src, sport, dst, dport, count = sys.argv[1:6]
size = int(sys.argv[6]) if len(sys.argv) > 6 else 10
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, int(sport)))
data = b"x" * size
for _ in range(int(count)):
    s.sendto(data, (dst, int(dport)))
