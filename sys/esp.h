/*
 * esp.h: RFC 4303 ESP as a pure transform on byte buffers, transport and
 * tunnel mode, IPv4 and IPv6, optionally in UDP (RFC 3948).
 */
#ifndef ESP_H
#define ESP_H

#include <stddef.h>
#include <stdint.h>

#include "xform.h"

struct sa;

/*
 * Protect the IP packet pkt[0..len) (its IP length must be len) with the
 * outbound SA sa, writing the new packet to out (room: cap bytes) and its
 * length to *outlen.  Transport mode keeps pkt's IP header (and IPv6
 * headers for the hops) in front; tunnel mode adds the SA's outer header.
 * pkt and out must not overlap.
 */
enum xform_err	esp_output(struct sa *, const uint8_t *, size_t, uint8_t *,
		    size_t, size_t *);

/*
 * The longest packet esp_output() turns into at most maxout bytes, for
 * packets whose first hdrlen bytes stay in front in transport mode (see
 * xform_split(); tunnel mode ignores it).  0 if none fits.
 */
size_t		esp_fit(const struct sa *, size_t, size_t);

/*
 * Unprotect the packet pkt[0..len) whose ESP header starts at off (after
 * the UDP header for ESP-in-UDP) with the inbound SA sa.  Only the IP
 * header (IPv6: and extension headers) may precede it: an outer SA of a
 * bundle is removed first.  Writes the inner
 * IP packet (tunnel mode) or the packet without ESP (transport mode) to
 * out, its length to *outlen and the protocol ESP carried to *nxt.  The
 * replay window advances only for packets whose ICV verified.  pkt and
 * out must not overlap.
 */
enum xform_err	esp_input(struct sa *, const uint8_t *, size_t, size_t,
		    uint8_t *, size_t, size_t *, uint8_t *);

#endif /* ESP_H */
