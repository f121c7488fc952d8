/*
 * filtexp.h: the filter rule export file that expfilt writes and impfilt
 * reads (aix-reference.md 3): "# ipsecfilt filtexp v1", then per rule
 * the IP version, '|' and the rule's 22 lsfilt -O fields.
 */
#ifndef FILTEXP_H
#define FILTEXP_H

#include <stddef.h>

#include "filtdb.h"

#define FILTEXP_NAME	"ipsec_fltr_rule.exp"
#define FILTEXP_HEADER	"# ipsecfilt filtexp v1"

int	filtexp_fmt(const struct frule *, int, char *, size_t);
int	filtexp_scan(char *, struct frule *, char *, size_t);

#endif /* FILTEXP_H */
