/*
 * ipf_input_fuzz.c: libFuzzer target for ipf_input().
 *
 * Input: two header bytes (fuzz_ipf.h: control bits, seconds since the
 * tables were loaded), then an IP packet the host receives: cleartext,
 * or ESP and AH for the host's SAs (the seeds are real ones, made by
 * tests/fuzz/mkseeds.py with the keys of fuzz_ipf.c), so that mutated
 * headers and bodies reach the transforms.  With FZ_WRAP the peer first
 * encapsulates the packet, so the host decrypts authentic ciphertext of
 * arbitrary inner packets and must give back the original bytes.
 * FZ_TWICE receives the packet twice (replay window, shun state).
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
		(void)ipf_input(fe.fe_host.fs_ipf, pkt, len,
		    &fe.fe_host.fs_meta, NULL);
	else if (data[0] & FZ_WRAP) {
		fuzz_env_run(&fe.fe_peer, 1, pkt, len);
		if ((data[0] & FZ_LOCAL) && !(data[0] & FZ_SMALL))
			fuzz_env_deliver(&fe.fe_peer, &fe.fe_host, pkt, len,
			    data[0] & FZ_TWICE);
	} else {
		fuzz_env_run(&fe.fe_host, 0, pkt, len);
		if (data[0] & FZ_TWICE)
			fuzz_env_run(&fe.fe_host, 0, pkt, len);
	}
	return (0);
}
