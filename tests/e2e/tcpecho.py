"""tcpecho.py: a TCP exchange for the namespace tests.

  tcpecho.py serve ADDR PORT   echo every connection's bytes back, forever
  tcpecho.py send ADDR PORT    connect, send a line, exit 0 if it comes
                               back within 2 seconds, else exit 1
"""
import socket
import sys


def serve(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        c.settimeout(5)
        try:
            data = c.recv(4096)
            if data:
                c.sendall(data)
        except OSError:
            pass
        c.close()


def send(addr, port):
    msg = b"ipsecfilt e2e\n"
    try:
        c = socket.create_connection((addr, port), timeout=2)
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = c.recv(4096)
            if not d:
                break
            got += d
    except OSError as e:
        print("tcpecho: %s" % e, file=sys.stderr)
        return 1
    return 0 if got == msg else 1


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("serve", "send"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    sys.exit(send(sys.argv[2], int(sys.argv[3])))
