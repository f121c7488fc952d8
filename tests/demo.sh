#!/bin/sh
# make demo: a filter rule set for a small web server, built with genfilt,
# listed with lsfilt, and tried offline with pcapfilt against a capture that
# scapy makes.  Runs unattended after `make deps`; touches nothing outside a
# temporary directory, which it removes.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
PY=/usr/bin/python3		# Debian's, where python3-scapy is
tmp=$(mktemp -d /tmp/ipsecfilt-demo.XXXXXX)
trap 'cd /; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
IPSEC_CONFDIR="$tmp/conf"
IPSEC_RUNDIR="$tmp/run"
export PATH IPSEC_CONFDIR IPSEC_RUNDIR
cd "$tmp"

say()
{
	printf '\n==> %s\n' "$*"
}

# run CMD ARGS...: show the command as one would type it, then run it
run()
{
	line='$'
	for a in "$@"; do
		case $a in
		*[[:space:]]*)	line="$line \"$a\"" ;;
		*)		line="$line $a" ;;
		esac
	done
	printf '%s\n' "$line"
	"$@"
}

say "The rule set of web server 10.0.0.1 / 2001:db8::1 (genfilt, mkfilt -z D)"
run genfilt -v 4 -a P -s 0 -m 0 -d 10.0.0.1 -c tcp -O eq -P 443 -w I \
    -D "HTTPS requests"
run genfilt -v 4 -a P -s 10.0.0.1 -c tcp/ack -o eq -p 443 -w O \
    -D "HTTPS replies"
run genfilt -v 4 -a D -s 0 -m 0 -c tcp -O eq -P 23 -l Y -D "no telnet"
run genfilt -v 4 -a P -s 0 -m 0 -d 10.0.0.1 -c icmp -o eq -p 8 -w I \
    -D "ping in"
run genfilt -v 4 -a P -s 10.0.0.1 -c icmp -o eq -p 0 -w O -D "ping replies"
run genfilt -v 6 -a P -s :: -m 0 -d 2001:db8::1 -c tcp -O eq -P 443 -w I \
    -D "HTTPS requests"
run mkfilt -z D

say "The IPv4 rules as lsfilt shows them (-O: one line per rule)"
run lsfilt -v 4 -O
say "One rule in full"
run lsfilt -v 4 -n 5

say "A capture made with scapy"
run $PY "$top/tests/filt/pcapfilt/mkcap.py" demo day.pcap
run tcpdump -n -r day.pcap 2>/dev/null

say "What the rules do to it (pcapfilt -d: one log line and the reason per packet)"
run pcapfilt -L 10.0.0.1,2001:db8::1 -i eth0 -d -r day.pcap -w passed.pcap

say "What left the engine (pcapfilt -w), read back by tcpdump"
run tcpdump -n -r passed.pcap 2>/dev/null
