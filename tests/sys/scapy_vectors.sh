#! /usr/bin/env atf-sh
#
# The ESP and AH vectors that esp_test and ah_test check byte for byte are
# scapy's: regenerating them with vectors/gen_vectors.py must give the
# stored files exactly, so neither side can drift.

. $(atf_get_srcdir)/../common.subr

atf_test_case regenerate
regenerate_head()
{
	atf_set "descr" "scapy reproduces vectors/esp.vec and vectors/ah.vec"
	atf_set "require.progs" "/usr/bin/python3"
}
regenerate_body()
{
	src=$(atf_get_srcdir)/vectors
	atf_check -s exit:0 "$PY" "$src/gen_vectors.py" .
	atf_check -o match:'^AES_GCM_16_128-NONE-tunnel-v4-esn esp tunnel 4 e ' \
	    grep esn esp.vec
	atf_check cmp esp.vec "$src/esp.vec"
	atf_check cmp ah.vec "$src/ah.vec"
}

atf_init_test_cases()
{
	atf_add_test_case regenerate
}
