#!/bin/sh
# make demo: the seed manual tunnel of AIX, live, between two network
# namespaces.  Run as root after `make deps`; it takes a few seconds.
#
#     namespace A (ipfNNNNa)                 namespace B (ipfNNNNb)
#   +--------------------------+          +--------------------------+
#   | ipsecd, ipsec_logd       |          | ipsecd                   |
#   | ipfNNNNa 10.99.0.1/24 ---+-- veth --+--- ipfNNNNb 10.99.0.2/24 |
#   |                          |          | tcpecho.py on port 7777  |
#   +--------------------------+          +--------------------------+
#
# The tunnel is made on A as the AIX documentation makes it (gentun),
# exported to B (exptun, imptun) and activated on both (mktun).  Ping and a
# small TCP exchange cross it; then come the listings an administrator
# reads (lsfilt, lsfilt -a, lstun, ipsecstat), the wire as tcpdump sees it
# (only ESP) and as tshark opens it with the tunnel's keys, the filter log
# in syslog, and rmtun stopping the traffic.
#
# The namespaces and the private syslog are those of the live tests
# (tests/e2e/e2e.subr, tests/logd/logd.subr), sourced here: A's commands
# run in a mount namespace whose /dev/log is a private rsyslogd's, which
# writes local4 to a file.  Nothing leaves the namespaces, no file outside
# a temporary directory is touched, and everything the demo started is
# stopped on exit, failed or not.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
PY=/usr/bin/python3		# Debian's, as python3 is in the tests
export PATH

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root: it makes network namespaces" >&2
	exit 1
fi
tmp=$(mktemp -d /tmp/ipsecfilt-demo.XXXXXX)
cd "$tmp"

# What the two .subr files ask of atf-sh.
atf_get_srcdir()
{
	echo "$top/tests/e2e"
}
atf_fail()
{
	printf 'demo: %s\n' "$*" >&2
	exit 1
}
. "$top/tests/e2e/e2e.subr"
. "$top/tests/logd/logd.subr"
SYSLOG_OUT=ipsec.log
: >logd.err		# wait_lines shows it if it times out

cap_pid=
cleanup()
{
	rc=$?
	set +e
	[ -n "$cap_pid" ] && kill "$cap_pid" 2>/dev/null
	pids=$(cat a/run/*.pid b/run/*.pid syslog/rsyslogd.pid 2>/dev/null)
	logd_cleanup
	e2e_cleanup
	# Wait (bounded) until the daemons have exited.
	for p in $pids; do
		i=0
		while grep -q '^State:[[:space:]]*[RSD]' /proc/"$p"/status \
		    2>/dev/null && [ $i -lt 40 ]; do
			i=$((i + 1))
			sleep 0.05
		done
	done
	cd /
	rm -rf "$tmp"
	[ $rc = 0 ] || echo "demo: failed" >&2
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

say()
{
	printf '\n== %s\n' "$*"
}

# on A|B|- 'command line': show it behind a prompt naming its namespace
# ("A#", "B#"; "$" for - , the host), then run it there with that side's
# databases.
on()
{
	case $1 in
	A)	printf 'A# %s\n' "$2"; $A_LOG sh -c "$2" ;;
	B)	printf 'B# %s\n' "$2"; $B sh -c "$2" ;;
	-)	printf '$ %s\n' "$2"; sh -c "$2" ;;
	esac
}

# Capture on A's veth, between A and B, into wire.pcap.
cap_start()
{
	ip netns exec "$NS_A" tcpdump -Z root -U --immediate-mode -n \
	    -i "$NS_A" -w wire.pcap "ip host $ADDR_A and ip host $ADDR_B" \
	    2>tcpdump.err &
	cap_pid=$!
	i=0
	until grep -q listening tcpdump.err; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "tcpdump did not start"
		sleep 0.05
	done
	sleep 0.5	# "listening" comes just before it is bound
}
cap_stop()
{
	sleep 0.2
	kill -INT "$cap_pid"
	wait "$cap_pid" || true
	cap_pid=
}

# The number of packets of wire.pcap that tshark filter $1 selects.
wire_count()
{
	tshark -n -r wire.pcap -Y "$1" 2>/dev/null | wc -l
}

e2e_setup
logd_conf
syslog_start
# The kernel's datagram queue length that systemd sets on a real host
# (ipsec_logd(8) CAVEATS).
ip netns exec "$NS_A" sysctl -q -w net.unix.max_dgram_qlen=512
# A's commands run where /dev/log is the private rsyslogd's.
A_LOG="nsenter --mount=/proc/$(cat syslog/rsyslogd.pid)/ns/mnt --wd=$tmp $A"
PING="ping -n -c 2 -i 0.2 -W 1 $ADDR_B"
HELLO="$PY -c \"import socket; \
s = socket.create_connection(('$ADDR_B', $PORT), 2); \
s.sendall(b'hello, B'); print(s.recv(99).decode())\""

say "A ($NS_A, $ADDR_A) and B ($NS_B, $ADDR_B): in the clear first"
on A "ping -q -n -c 1 -W 1 $ADDR_B"

say "The tunnel, made on A as AIX documents it, exported to B, active on both"
on A "gentun -v 4 -t manual -s $ADDR_A -d $ADDR_B \
-e DES_CBC_8 -b HMAC_MD5 -N 2349473"
on A "exptun -v 4 -f export"
on B "imptun -v 4 -f export"
on A "mktun -v 4"
on B "mktun -v 4"

say "Traffic across it, captured on the veth"
cap_start
on A "$PING"
on A "$HELLO"
cap_stop

say "The tunnel's rules: 2 and 3, made by gentun (lsfilt)"
on A "lsfilt -v 4"
say "The rules ipsecd runs, and what each matched (lsfilt -a)"
on A "lsfilt -v 4 -a | grep -E '^Rule|^Direction|^Tunnel|Matched'"
say "The tunnel (lstun)"
on A "lstun -v 4"
say "The engine's counters (ipsecstat)"
on A "ipsecstat | sed -n '/^IP Security Statistics/,\$p'"

say "The wire, as tcpdump saw it: ESP only"
on - "tcpdump -n -t -r wire.pcap 2>/dev/null"
[ "$(wire_count 'esp')" -ge 4 ] || atf_fail "no ESP on the wire"
[ "$(wire_count '!esp')" = 0 ] || atf_fail "clear packets on the wire"

say "The same packets, decrypted by tshark with the tunnel's keys (lstun -O)"
# tshark's esp_sa table: one security association each way, from A's
# listing (fields: lstun(8)).
$A lstun -v 4 -t 1 -O | awk -F'|' 'NR > 1 {
	f = "\"IPv4\",\"%s\",\"%s\",\"0x%08x\",\"DES-CBC [RFC2405]\",\"%s\"," \
	    "\"HMAC-MD5-96 [RFC2403]\",\"%s\"\n"
	printf f, $2, $3, $16, $20, $24
	printf f, $3, $2, $17, $21, $25
}' >esp_sa
tsh="tshark -n -r wire.pcap -o esp.enable_encryption_decode:TRUE \\
    -o esp.enable_authentication_check:TRUE"
while read -r l; do
	tsh="$tsh \\
    -o 'uat:esp_sa:$l'"
done <esp_sa
on - "$tsh 2>/dev/null" | tee clear.txt
grep -q ' ICMP .*Echo (ping) reply' clear.txt &&
    grep -q ' TCP .*\[SYN' clear.txt ||
    atf_fail "tshark did not decrypt the ping and the TCP exchange"

say "Logging: on, and the tunnel's rules log (mkfilt -g, chfilt -l Y)"
on A "mkfilt -g start"
on A "chfilt -v 4 -n 2 -l Y"
on A "chfilt -v 4 -n 3 -l Y"
on A "mkfilt -v 4 -u"
on A "$PING"
wait_lines 6
n=$(wc -l <"$SYSLOG_OUT")
say "What ipsec_logd wrote to syslog (local4.debug: here $SYSLOG_OUT)"
on - "cat $SYSLOG_OUT"
grep -q "^local4.debug ipsec_logd: #:3 R:p I:$ADDR_A S:$ADDR_B " \
    "$SYSLOG_OUT" || atf_fail "no log line of rule 3"

say "rmtun: the tunnel goes down, and its rules now drop what they match"
on A "rmtun -v 4 -t 1"
cap_start
if on A "$PING"; then
	atf_fail "ping crossed a tunnel that rmtun removed"
fi
cap_stop
on - "tcpdump -n -t -r wire.pcap 2>/dev/null | wc -l"
[ "$(wire_count 'ip')" = 0 ] || atf_fail "packets on the wire after rmtun"
on A "ipsecstat | grep -E 'outgoing packets dropped|no-sa'"
wait_lines $((n + 2))
on - "tail -n +$((n + 1)) $SYSLOG_OUT"

say "Done; the namespaces, the daemons and $tmp go now"
