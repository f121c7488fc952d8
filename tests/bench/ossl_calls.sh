#!/bin/sh
# Which EVP calls `openssl speed -aead -evp ALG` makes per operation
# (BENCHMARKS.md, "ESP through the engine"): runs it once under gdb with
# counting breakpoints and prints the operations and each call's hits.
#
#	sh tests/bench/ossl_calls.sh chacha20-poly1305 1402
#
# Needs gdb (apt-get install gdb), which the tests do not.
set -eu
alg=${1:-chacha20-poly1305}
bytes=${2:-1402}
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
{
	echo "set pagination off"
	echo "set breakpoint pending on"
	n=1
	for f in EVP_EncryptUpdate EVP_EncryptInit_ex EVP_EncryptInit_ex2 \
	    EVP_CipherInit_ex EVP_EncryptFinal_ex EVP_CIPHER_CTX_ctrl; do
		echo "break $f"
		echo "ignore $n 100000000"
		n=$((n + 1))
	done
	echo "run"
	echo "info breakpoints"
} >"$cmds"
gdb -q -batch -x "$cmds" --args openssl speed -aead -evp "$alg" \
    -bytes "$bytes" -seconds 1 2>&1 |
    awk '/^Doing/ { print; next }
	$2 == "breakpoint" && $3 == "keep" {
		f = $NF; gsub(/[<>]/, "", f); name[++n] = f; hits[f] = 0 }
	/already hit/ { hits[f] = $4 }
	END { for (i = 1; i <= n; i++) print name[i] ": " hits[name[i]] }'
