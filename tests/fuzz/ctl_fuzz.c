/*
 * ctl_fuzz.c: libFuzzer target for the control protocol's message check
 * (lib/ctl.c ctl_msg_check()), which ipsecd runs on every request and
 * the commands on every reply before reading a field.
 *
 * Input: one received message, as recv() would leave it in the union.
 * An accepted message has exactly its type's size, in its header too,
 * and an error reply's text is a terminated string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union ctl_msg	m;
	int			type;

	memset(&m, 0, sizeof(m));
	memcpy(&m, data, size < sizeof(m) ? size : sizeof(m));
	if ((type = ctl_msg_check(&m, size)) == -1)
		return (0);
	if (type != m.m_hdr.ch_type || ctl_msg_size(type) != size ||
	    m.m_hdr.ch_len != size || m.m_hdr.ch_version != CTL_VERSION ||
	    (type == CTL_R_ERR && strlen(m.m_err.ce_msg) >=
	    sizeof(m.m_err.ce_msg))) {
		fprintf(stderr, "ctl_fuzz: accepted a bad message\n");
		abort();
	}
	return (0);
}
