"""tcpecho.py: a TCP exchange for the namespace tests.

  tcpecho.py serve ADDR PORT      echo every connection's bytes back, forever
  tcpecho.py send ADDR PORT       connect, send a line, exit 0 if it comes
                                  back and the peer closes within 2 seconds,
                                  else exit 1
  tcpecho.py bulk ADDR PORT N     send N pseudo-random bytes while reading
                                  the echo; exit 0 if exactly they come back
                                  and the peer closes within 20 seconds,
                                  else exit 1
"""
import hashlib
import socket
import sys
import threading


def serve(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()


def echo(c):
    c.settimeout(20)
    try:
        while True:
            data = c.recv(65536)
            if not data:
                break
            c.sendall(data)
    except OSError:
        pass
    c.close()


def payload(n):
    """n bytes that differ everywhere, so a misplaced segment shows."""
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(i.to_bytes(8, "big")).digest()
        i += 1
    return bytes(out[:n])


def send(addr, port, msg, timeout):
    try:
        c = socket.create_connection((addr, port), timeout=timeout)
        t = threading.Thread(target=lambda: (c.sendall(msg),
                                             c.shutdown(socket.SHUT_WR)))
        t.start()
        # Read to the echo side's FIN, not just to the last byte: the
        # exchange is over when this exits, and no straggling segment
        # lands in the counters a test reads next.
        got = bytearray()
        while True:
            d = c.recv(65536)
            if not d:
                break
            got += d
        t.join()
    except OSError as e:
        print("tcpecho: %s" % e, file=sys.stderr)
        return 1
    if bytes(got) != msg:
        print("tcpecho: %d of %d bytes came back%s" % (len(got), len(msg),
              "" if len(got) != len(msg) else ", different"),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "serve":
        serve(args[1], int(args[2]))
    elif len(args) == 3 and args[0] == "send":
        sys.exit(send(args[1], int(args[2]), b"ipsecfilt e2e\n", 2))
    elif len(args) == 4 and args[0] == "bulk":
        sys.exit(send(args[1], int(args[2]), payload(int(args[3])), 20))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
