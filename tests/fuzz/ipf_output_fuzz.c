/*
 * ipf_output_fuzz.c: libFuzzer target for ipf_output().
 *
 * Input: two header bytes (fuzz_ipf.h: control bits, seconds since the
 * tables were loaded), then an IP packet the host sends.  Whatever the
 * host encapsulates is delivered to the peer, which must verify it and
 * give back the original bytes (fuzz_env_deliver()); with FZ_TWICE the
 * same wire packet is delivered again and must be refused as a replay.
 * The engines are reset for every input (fuzz_env_reset()), so a
 * crash reproduces from its input alone.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_ipf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_env	 fe;
	static int		 ready;
	const uint8_t		*pkt = data + FZ_HDRLEN;
	size_t			 len;

	if (size < FZ_HDRLEN)
		return (0);
	len = size - FZ_HDRLEN;
	if (!ready) {
		fuzz_env_init(&fe);
		ready = 1;
	} else
		fuzz_env_reset(&fe);
	fuzz_env_meta(&fe.fe_host, data);
	if (data[0] & FZ_NORES)
		(void)ipf_output(fe.fe_host.fs_ipf, pkt, len,
		    &fe.fe_host.fs_meta, NULL);
	else {
		fuzz_env_run(&fe.fe_host, 1, pkt, len);
		fuzz_env_deliver(&fe.fe_host, &fe.fe_peer, pkt, len,
		    data[0] & FZ_TWICE);
	}
	return (0);
}
