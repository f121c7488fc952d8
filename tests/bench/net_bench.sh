#!/bin/sh
# net_bench.sh: TCP throughput between two network namespaces through
# every data path of interest in the same run (issue 5):
#
#   veth	plain veth, nothing in the path
#   nfq		NFQUEUE accept-all (obj/bench/nfq_accept) in both namespaces,
#		queued where ipsecd queues (raw PREROUTING and raw OUTPUT)
#		and with ipsecd's queue settings: the floor under ipsecd
#   permit	ipsecd in both namespaces, initial table (permits all)
#   logged	the same with every packet logged (the default rule with
#		-l Y, mkfilt -g start): issue 6, logging on / off >= 0.8
#   esp		ipsecd, a manual ESP AES-GCM-128 tunnel between A and B
#   espudp	the same tunnel in UDP (gentun -T udp, RFC 3948), as
#		strongSwan's libipsec always sends it: like with like
#   swan	strongSwan IKEv2 with kernel-libipsec (userspace ESP
#		AES-GCM-128 over TUN): the peer baseline, when installed
#
#     namespace A (ipfbNNNNa)                 namespace B (ipfbNNNNb)
#   +--------------------------+          +--------------------------+
#   | iperf3 client            |          | iperf3 server            |
#   | ipfbNNNNa 10.99.0.1/24 --+-- veth --+-- ipfbNNNNb 10.99.0.2/24 |
#   +--------------------------+          +--------------------------+
#
# BENCH_REPS (default 3) rounds; each round sets every path up in turn,
# runs iperf3 TCP from A to B for BENCH_SECONDS (default 10) and takes
# the path down again, so that a change in the machine's load (it is
# shared) falls on all paths alike rather than on one.  A path's figure
# is the median of its rounds, receiver Mbit/s.  Targets: ESP tunnel /
# strongSwan >= 5, permit-only / accept-all >= 0.9, logged / permit-only
# >= 0.8.  BENCH_PATHS (default "veth nfq permit logged esp espudp swan") runs
# only some paths, to look at
# one closely.
#
# Where the time goes: each path's line also gives the cores the whole
# machine was busy (other work included: the load it ran under), and
# the cores its daemons used in A and in B with the share of that spent
# in the kernel (system time: their queue and socket calls, and the
# network stack those calls run).
#
# Needs root and iperf3 (make deps); strongSwan is optional.  The
# namespaces and every process started here go on exit, on failure and
# on a signal; nothing leaves the namespaces.  Exits 0 when every path
# that can run was measured.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${BENCH_SECONDS:-10}
REPS=${BENCH_REPS:-3}
PATHS=${BENCH_PATHS:-veth nfq permit logged esp espudp swan}
ADDR_A=10.99.0.1
ADDR_B=10.99.0.2
PORT=5201
CHARON=/usr/lib/ipsec/charon
LIBIPSEC=/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so
NS_A="ipfb$$a"
NS_B="ipfb$$b"
work=

say()
{
	printf '%s\n' "$*"
}

skip()
{
	say "net_bench: skipped: $*"
	exit 0
}

case $SECS$REPS in
*[!0-9]*)
	say "net_bench: BENCH_SECONDS and BENCH_REPS must be numbers" >&2
	exit 2 ;;
esac
[ "$SECS" -gt 0 ] && [ "$REPS" -gt 0 ] ||
    { say "net_bench: BENCH_SECONDS and BENCH_REPS must be > 0" >&2; exit 2; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v iperf3 >/dev/null 2>&1 || skip "iperf3 not installed (make deps)"
[ -x /usr/sbin/iptables-legacy ] || skip "iptables-legacy not installed"
for f in bin/ipsecd bin/mkfilt bin/gentun obj/bench/nfq_accept; do
	[ -x "$top/$f" ] || { say "net_bench: $f missing: make" >&2; exit 1; }
done
PATH="$top/bin:$PATH"
export PATH

# Kill what we started, by the pids we recorded and only while each pid
# still names the program we started; the namespaces go last, since a
# live process keeps its namespace.
cleanup()
{
	trap - EXIT INT TERM HUP
	[ -n "$work" ] || return
	for f in "$work"/*/*/run/ipsecd.pid; do
		[ -f "$f" ] && say "$(cat "$f") ipsecd" >>"$work/pids"
	done
	while read -r pid comm; do
		[ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$comm" ] &&
		    kill "$pid" 2>/dev/null
	done <"$work/pids"
	sleep 0.5
	while read -r pid comm; do
		[ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$comm" ] &&
		    kill -9 "$pid" 2>/dev/null
	done <"$work/pids"
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Under /tmp: the vici sockets' paths must fit a sockaddr_un.
work=$(mktemp -d /tmp/netbench.XXXXXX) || exit 1
: >"$work/pids"

# started PID COMM: remember a background process for cleanup.
started()
{
	say "$1 $2" >>"$work/pids"
}

# stop PID: end one process we started and wait for it to be gone.
stop()
{
	kill "$1" 2>/dev/null
	_i=0
	while [ -d "/proc/$1" ] && [ $_i -lt 100 ]; do
		_i=$((_i + 1))
		sleep 0.05
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# ns a|b: that side's namespace.
ns()
{
	if [ "$1" = a ]; then echo "$NS_A"; else echo "$NS_B"; fi
}

# ipf a|b DIR command...: an ipsecfilt command in that side's namespace
# with the databases and sockets of DIR, so each path has its own.
ipf()
{
	_s=$1 _d=$2
	shift 2
	env IPSEC_CONFDIR="$work/$_d/$_s/conf" \
	    IPSEC_RUNDIR="$work/$_d/$_s/run" ip netns exec "$(ns "$_s")" "$@"
}

setup()
{
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
	    ip link add "$NS_A" netns "$NS_A" type veth peer name "$NS_B" \
	    netns "$NS_B" || return 1
	ip -n "$NS_A" addr add "$ADDR_A/24" dev "$NS_A"
	ip -n "$NS_B" addr add "$ADDR_B/24" dev "$NS_B"
	for s in a b; do
		ip -n "$(ns $s)" link set lo up
		ip -n "$(ns $s)" link set "$(ns $s)" up
		for d in permit logged esp espudp; do
			mkdir -p "$work/$d/$s/conf" "$work/$d/$s/run"
			chmod 700 "$work/$d/$s/conf" "$work/$d/$s/run"
		done
	done
	# ip execs iperf3, so $! is the server itself.
	ip netns exec "$NS_B" iperf3 -s -B "$ADDR_B" -p $PORT \
	    >"$work/iperf3-s.log" 2>&1 &
	started $! iperf3
	_i=0
	until ip netns exec "$NS_B" ss -Hltn "sport = :$PORT" | grep -q .; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || return 1
		sleep 0.05
	done
	ip netns exec "$NS_A" ping -n -c 1 -W 2 $ADDR_B >/dev/null
}

# The user and system ticks of a pid (all its threads), or 0 0.
ticks()
{
	awk '{ print $14, $15 }' /proc/"$1"/stat 2>/dev/null || echo 0 0
}

# The machine's busy and total jiffies so far, all cores (/proc/stat:
# user nice system idle iowait irq softirq steal).
jiffies()
{
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9,
	    $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat
}

now_ms()
{
	echo $(($(date +%s%N) / 1000000))
}

# iperf_once: one client run; its receiver Mbit/s and the sender's TCP
# retransmissions, or nothing.
iperf_once()
{
	timeout $((SECS + 30)) ip netns exec "$NS_A" iperf3 -c $ADDR_B \
	    -p $PORT -t "$SECS" -f m 2>&1 | awk '
	    / sender$/ { for (i = 2; i < NF; i++) if ($i == "Mbits/sec")
		t = $(i + 1) }
	    / receiver$/ { for (i = 2; i <= NF; i++) if ($i == "Mbits/sec")
		r = $(i - 1) }
	    END { if (r != "") print r, t + 0 }'
}

# once KEY: one iperf3 run over a path that is up, with the pids of its
# daemons in $pa and $pb (empty for none).  Appends "Mbit/s retr" to
# $work/runs.KEY, and to $work/cpu.KEY the ticks its daemons used
# (user A, system A, user B, system B), the machine's busy and total
# jiffies and the milliseconds.
once()
{
	set -- "$1" $(ticks "${pa:-0}") $(ticks "${pb:-0}") $(jiffies) \
	    "$(now_ms)"
	_r=$(iperf_once)
	[ -n "$_r" ] || return 1
	say "$_r" >>"$work/runs.$1"
	say "$(ticks "${pa:-0}") $(ticks "${pb:-0}") $(jiffies) $(now_ms)" \
	    "$2 $3 $4 $5 $6 $7 $8" | awk '{ print $1 - $8, $2 - $9,
	    $3 - $10, $4 - $11, $5 - $12, $6 - $13, $7 - $14 }' \
	    >>"$work/cpu.$1"
}

# The pid in an ipsecd pid file of path DIR, side a|b, once it names a
# live ipsecd.
ipsecd_pid()
{
	_p=$(cat "$work/$1/$2/run/ipsecd.pid" 2>/dev/null)
	[ -n "$_p" ] && [ "$(cat /proc/"$_p"/comm 2>/dev/null)" = ipsecd ] &&
	    echo "$_p"
}

# ipsecd_stop DIR a|b: mkfilt -d ends it; wait until it is gone.
ipsecd_stop()
{
	_p=$(ipsecd_pid "$1" "$2")
	ipf "$2" "$1" mkfilt -d >/dev/null
	[ -n "$_p" ] || return 0
	_i=0
	while [ -d "/proc/$_p" ] && [ $_i -lt 100 ]; do
		_i=$((_i + 1))
		sleep 0.05
	done
	[ -d "/proc/$_p" ] && stop "$_p"
	return 0
}

# One ipsecstat counter of path DIR, side a|b: the number after "$3: ".
stat_of()
{
	ipf "$2" "$1" ipsecstat | sed -n "s/^ *$3: //p"
}

# Each path: KEY_up sets it up (its daemons' pids in $pa and $pb),
# KEY_down takes it away and leaves a line or two about the run it saw
# in $work/note.KEY; KEY_prep, where there is one, runs once first.

veth_up()
{
	pa= pb=
}

veth_down()
{
	:
}

nfq_up()
{
	ip netns exec "$NS_A" "$top/obj/bench/nfq_accept" \
	    2>"$work/nfq-a.log" &
	pa=$!
	started $pa nfq_accept
	ip netns exec "$NS_B" "$top/obj/bench/nfq_accept" \
	    2>"$work/nfq-b.log" &
	pb=$!
	started $pb nfq_accept
	sleep 0.3
	for s in a b; do
		for ch in PREROUTING OUTPUT; do
			ip netns exec "$(ns $s)" iptables-legacy -w -t raw \
			    -A $ch -j NFQUEUE --queue-num 0 || return 1
		done
	done
}

nfq_down()
{
	for s in a b; do
		ip netns exec "$(ns $s)" iptables-legacy -w -t raw -F
	done
	stop "$pa"
	stop "$pb"
	{
		sed 's/^/A /' "$work/nfq-a.log"
		sed 's/^/B /' "$work/nfq-b.log"
	} >"$work/note.nfq"
}

permit_up()
{
	ipf a permit mkfilt -u && ipf b permit mkfilt -u || return 1
	pa=$(ipsecd_pid permit a) && pb=$(ipsecd_pid permit b)
}

permit_down()
{
	say "A ipsecd: $(stat_of permit a permit) permitted;" \
	    "B ipsecd: $(stat_of permit b permit) permitted" \
	    >"$work/note.permit"
	ipsecd_stop permit a
	ipsecd_stop permit b
}

# The default rules log (chfilt -l y, aix-reference.md 3); ipsec_logd
# takes the records and writes them with syslog(3), which has no /dev/log
# here: what is measured is ipsecd's side, the records it sends.
logged_prep()
{
	for s in a b; do
		for v in 4 6; do
			ipf $s logged chfilt -v $v -n 0 -l y >/dev/null ||
			    return 1
		done
	done
}

logged_up()
{
	ipf a logged mkfilt -u && ipf b logged mkfilt -u &&
	    ipf a logged mkfilt -g start >/dev/null &&
	    ipf b logged mkfilt -g start >/dev/null || return 1
	pa=$(ipsecd_pid logged a) && pb=$(ipsecd_pid logged b)
}

logged_down()
{
	say "A ipsecd: $(stat_of logged a permit) permitted and logged," \
	    "$(stat_of logged a 'Log records lost') records lost" \
	    >"$work/note.logged"
	ipf a logged mkfilt -g stop >/dev/null
	ipf b logged mkfilt -g stop >/dev/null
	ipsecd_stop logged a
	ipsecd_stop logged b
}

# As tests/e2e/tunnel_test sets a manual tunnel up; mktun starts ipsecd.
# tunnel_prep DIR gentun-flags...; tunnel_up DIR; tunnel_down DIR.
tunnel_prep()
{
	_d=$1
	shift
	ipf a $_d gentun -v 4 -t manual -s $ADDR_A -d $ADDR_B \
	    -e AES_GCM_16_128 "$@" >/dev/null &&
	    ipf a $_d exptun -v 4 -f "$work/exp.$_d" >/dev/null &&
	    ipf b $_d imptun -f "$work/exp.$_d" >/dev/null
}

tunnel_up()
{
	ipf a $1 mktun -v 4 >/dev/null && ipf b $1 mktun -v 4 >/dev/null &&
	    ip netns exec "$NS_A" ping -n -c 1 -W 2 $ADDR_B >/dev/null &&
	    pa=$(ipsecd_pid $1 a) && pb=$(ipsecd_pid $1 b)
}

tunnel_down()
{
	_out=$(stat_of $1 a "Outgoing ESP packets")
	_in=$(stat_of $1 b "Incoming ESP packets")
	say "A ipsecd: $_out ESP out; B ipsecd: $_in ESP in" >"$work/note.$1"
	ipsecd_stop $1 a
	ipsecd_stop $1 b
	# None would mean the figure was not the tunnel's.
	[ "${_out:-0}" -gt 1000 ] && [ "${_in:-0}" -gt 1000 ] || {
		say "ESP counters too low: not a tunnel figure" \
		    >>"$work/note.$1"
		return 1
	}
}

esp_prep()	{ tunnel_prep esp; }
esp_up()	{ tunnel_up esp; }
esp_down()	{ tunnel_down esp; }
espudp_prep()	{ tunnel_prep espudp -T udp; }
espudp_up()	{ tunnel_up espudp; }
espudp_down()	{ tunnel_down espudp; }

# strongswan.conf for both charons.  Each runs in the mount namespace
# that ip netns exec gives it, with its own directory bound on /run:
# charon 5.9 writes /var/run/charon.pid whatever it is told, so that is
# what keeps two of them apart.  kernel-libipsec comes before
# kernel-netlink, so libipsec holds the SAs and policies and netlink only
# addresses and routes.  libipsec routes the peer through ipsec0 (table
# 220); charon's own IKE and ESP-in-UDP carry fwmark 0x42, which the
# routing rule skips, or they would loop into the tunnel.
swan_conf()
{
	_load="random nonce openssl aes sha1 sha2 hmac gcm pem pkcs1 x509"
	_load="$_load pubkey kdf curve25519 kernel-libipsec kernel-netlink"
	_load="$_load socket-default vici"
	cat <<-EOF
	charon {
		load = $_load
		plugins {
			vici {
				socket = unix:///run/charon.vici
			}
			kernel-libipsec {
				allow_peer_ts = yes
			}
			socket-default {
				fwmark = 0x42
			}
			kernel-netlink {
				fwmark = !0x42
			}
		}
		filelog {
			bench {
				path = /run/charon.log
				default = 1
			}
		}
		syslog {
			daemon {
				default = -1
			}
		}
	}
	EOF
}

# swanctl.conf of one side: swan_peer LOCAL REMOTE.  One setting a line:
# swanctl takes a ';' as part of the value.
swan_peer()
{
	cat <<-EOF
	connections {
		bench {
			version = 2
			local_addrs = $1
			remote_addrs = $2
			proposals = aes128-sha256-x25519
			local {
				auth = psk
				id = $1
			}
			remote {
				auth = psk
				id = $2
			}
			children {
				bench {
					esp_proposals = aes128gcm16
					mode = tunnel
				}
			}
		}
	}
	secrets {
		ike-bench {
			id-a = $1
			id-b = $2
			secret = "net-bench-psk-not-secret"
		}
	}
	EOF
}

# swc a|b COMMAND args...: swanctl on that side's vici socket (a unix
# socket reaches across namespaces); --uri only works after the command.
swc()
{
	_who=$1 _cmd=$2
	shift 2
	swanctl "$_cmd" --uri "unix://$work/swan/$_who/charon.vici" "$@"
}

# charon_start a|b: one charon, its pid in $bg; ip, sh and env exec in
# turn, so the pid is charon's.
charon_start()
{
	rm -rf "$work/swan/$1"
	mkdir -p "$work/swan/$1"
	ip netns exec "$(ns "$1")" sh -c 'mount --bind "$1" /run &&
	    exec env STRONGSWAN_CONF="$2" "$3"' sh "$work/swan/$1" \
	    "$work/strongswan.conf" "$CHARON" >"$work/swan/$1/stdout" 2>&1 &
	bg=$!
	started $bg charon
}

swan_prep()
{
	swan_conf >"$work/strongswan.conf"
	swan_peer $ADDR_A $ADDR_B >"$work/swanctl-a.conf"
	swan_peer $ADDR_B $ADDR_A >"$work/swanctl-b.conf"
}

swan_up()
{
	charon_start a
	pa=$bg
	charon_start b
	pb=$bg
	for s in a b; do
		_i=0
		until [ -S "$work/swan/$s/charon.vici" ]; do
			_i=$((_i + 1))
			[ $_i -lt 100 ] || return 1
			sleep 0.05
		done
		swc $s --load-all --file "$work/swanctl-$s.conf" \
		    >/dev/null 2>&1 || return 1
	done
	swc a --initiate --child bench --timeout 20 >/dev/null 2>&1 &&
	    swc a --list-sas | grep -q 'ESP:AES_GCM_16-128' &&
	    ip netns exec "$NS_A" ping -n -c 1 -W 2 $ADDR_B >/dev/null
}

swan_down()
{
	swc a --list-sas 2>/dev/null | grep -E 'ESP:|^ +(in|out) ' |
	    sed 's/^ */A charon: /' >"$work/note.swan"
	stop "$pa"
	stop "$pb"
	if ! [ -s "$work/note.swan" ] && [ -f "$work/swan/a/charon.log" ]; then
		tail -n 5 "$work/swan/a/charon.log" >"$work/note.swan"
	fi
}

label()
{
	case $1 in
	veth)	echo "plain veth" ;;
	nfq)	echo "NFQUEUE accept-all" ;;
	permit)	echo "ipsecfilt permit-only" ;;
	logged)	echo "ipsecfilt permit, all logged" ;;
	esp)	echo "ipsecfilt ESP AES-GCM-128 tunnel" ;;
	espudp)	echo "ipsecfilt ESP-in-UDP AES-GCM-128" ;;
	swan)	echo "strongSwan libipsec AES-GCM-128" ;;
	esac
}

# median FILE COLUMN: the median of one column of numbers.
median()
{
	awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 }
	    END { h = int(NR / 2)
		print NR % 2 ? v[h + 1] : (v[h] + v[h + 1]) / 2 }'
}

# report KEY: the path's line of the table, and its median kept for the
# ratios in $work/res.KEY.
report()
{
	_l=$(label "$1")
	if [ -f "$work/fail.$1" ] || ! [ -s "$work/runs.$1" ]; then
		printf '  %-34s FAILED: %s\n' "$_l" \
		    "$(cat "$work/fail.$1" 2>/dev/null)"
		[ -f "$work/note.$1" ] && sed 's/^/      /' "$work/note.$1"
		return 0
	fi
	median "$work/runs.$1" 1 >"$work/res.$1"
	sort -n "$work/runs.$1" | awk -v m="$(cat "$work/res.$1")" \
	    -v retr="$(median "$work/runs.$1" 2)" -v l="$_l" \
	    '{ v[NR] = $1 }
	    END { printf "  %-34s %6.0f %13s %6d", l, m,
		sprintf("(%.0f-%.0f)", v[1], v[NR]), retr }'
	awk -v hz="$(getconf CLK_TCK)" -v n="$(nproc)" -v d="$1" '
	    { ua += $1; sa += $2; ub += $3; sb += $4; j += $5; t += $6
	      ms += $7 }
	    END {
		printf "  %4.1f", n * j / t
		s = ms / 1000
		all = ua + sa + ub + sb
		if (d != "veth")
			printf "  %5.2f  %5.2f  %3.0f%%", (ua + sa) / hz / s,
			    (ub + sb) / hz / s, all ? 100 * (sa + sb) / all : 0
		printf "\n"
	    }' "$work/cpu.$1"
	[ -f "$work/note.$1" ] && sed 's/^/      /' "$work/note.$1"
	return 0
}

# ratio KEY-NUM KEY-DEN LABEL [TARGET]
ratio()
{
	[ -s "$work/res.$1" ] && [ -s "$work/res.$2" ] || {
		printf '  %-34s %7s  (not measured)\n' "$3" "-"
		return 0
	}
	awk -v n="$(cat "$work/res.$1")" -v d="$(cat "$work/res.$2")" \
	    -v label="$3" -v target="${4:-}" 'BEGIN {
		r = d > 0 ? n / d : 0
		if (target == "")
			printf("  %-34s %7.2f\n", label, r)
		else
			printf("  %-34s %7.2f  (target >= %s: %s)\n", label, r,
			    target, r >= target + 0 ? "met" : "NOT met")
	}'
}

# What runs: the paths asked for, less strongSwan when it is absent.
run=
skipped=
for p in $PATHS; do
	case $p in
	veth | nfq | permit | logged | esp | espudp) ;;
	swan)
		if ! [ -x "$CHARON" ] || ! command -v swanctl >/dev/null; then
			skipped="skipped: strongSwan not installed"
			continue
		elif ! [ -f "$LIBIPSEC" ]; then
			skipped="skipped: no kernel-libipsec plugin"
			skipped="$skipped (libcharon-extra-plugins)"
			continue
		fi ;;
	*)
		say "net_bench: BENCH_PATHS: $p: not a path" >&2
		exit 2 ;;
	esac
	run="$run $p"
done

setup || { say "net_bench: cannot set the namespaces up" >&2; exit 1; }
say "net_bench: iperf3 TCP A -> B, $REPS rounds of ${SECS} s, $(nproc)" \
    "cores, $(date -u '+%F %H:%M') UTC, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"

for p in $run; do
	case $p in
	logged | esp | espudp | swan)
		${p}_prep || say "setup failed" >"$work/fail.$p" ;;
	esac
done

r=0
while [ $r -lt "$REPS" ]; do
	r=$((r + 1))
	line="  round $r:"
	for p in $run; do
		[ -f "$work/fail.$p" ] && continue
		if ! ${p}_up; then
			say "setup failed in round $r" >"$work/fail.$p"
		elif ! once $p; then
			say "iperf3 failed in round $r" >"$work/fail.$p"
		fi
		${p}_down || say "check failed in round $r" >"$work/fail.$p"
		pa= pb=
		[ -f "$work/fail.$p" ] && line="$line $p FAILED" ||
		    line="$line $p $(tail -n 1 "$work/runs.$p" | cut -d' ' -f1)"
	done
	say "$line"
done

printf '  %-34s %6s %13s %6s  %4s  %5s  %5s  %4s\n' path Mbit/s "(min-max)" \
    retr busy "cpu A" "cpu B" sys
failed=0
for p in $run; do
	report $p
	[ -f "$work/fail.$p" ] && failed=1
done
[ -n "$skipped" ] && printf '  %-34s %s\n' "$(label swan)" "$skipped"
say "  Mbit/s: median of the rounds; retr: TCP retransmissions, median;"
say "  busy: cores busy machine-wide; cpu A, cpu B: cores used by the" \
    "path's"
say "  daemon in each namespace; sys: the kernel's share of those"
say "ratios:"
ratio espudp swan "ESP-in-UDP / strongSwan (UDP)" 5
ratio esp swan "ESP tunnel / strongSwan" 5
ratio permit nfq "permit-only / accept-all" 0.9
ratio logged permit "all logged / permit-only" 0.8
ratio nfq veth "accept-all / plain veth"
ratio permit veth "permit-only / plain veth"
ratio esp veth "ESP tunnel / plain veth"
ratio espudp veth "ESP-in-UDP / plain veth"
ratio swan veth "strongSwan / plain veth"
say "net_bench: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
