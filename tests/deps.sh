#!/bin/sh
# Install the Debian 12 packages that ipsecfilt's build, tests and demo need.
# Idempotent: apt-get skips what is there; the package lists are fetched only
# when they are missing.
set -eu
PKGS="gcc make pkg-config libssl-dev openssl libpcap-dev libedit-dev
libnetfilter-queue-dev atf-sh libatf-dev kyua mandoc clang libclang-rt-14-dev
python3 python3-scapy python3-cryptography tshark tcpdump
iptables iproute2 iputils-ping rsyslog iperf3"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
    debconf-set-selections
if [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ]; then
	apt-get update -q
fi
apt-get install -y -q --no-install-recommends $missing ||
    { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }
