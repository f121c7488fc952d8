/*
 * ah.h: RFC 4302 AH as a pure transform on byte buffers, transport and
 * tunnel mode, IPv4 and IPv6.
 */
#ifndef AH_H
#define AH_H

#include <stddef.h>
#include <stdint.h>

#include "xform.h"

struct sa;

/*
 * Authenticate the IP packet pkt[0..len) with the outbound SA sa into out
 * (room: cap bytes), as esp_output() does.  pkt and out must not overlap.
 */
enum xform_err	ah_output(struct sa *, const uint8_t *, size_t, uint8_t *,
		    size_t, size_t *);

/* The longest packet ah_output() turns into at most maxout bytes. */
size_t		ah_fit(const struct sa *, size_t, size_t);

/*
 * Verify the packet pkt[0..len) whose AH header starts at off with the
 * inbound SA sa and write it without AH to out, as esp_input() does.
 * Only the IP header (IPv6: and extension headers) may precede it.
 */
enum xform_err	ah_input(struct sa *, const uint8_t *, size_t, size_t,
		    uint8_t *, size_t, size_t *, uint8_t *);

#endif /* AH_H */
