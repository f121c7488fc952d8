/*
 * parse.h: the value syntax every command shares (aix-reference.md 1.2).
 * Each parser returns 0, or -1 with a short reason in err ("not an IPv4
 * address"); the caller names the flag or field and the value.
 */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"

#define PARSE_TEXTMAX	255		/* description, pattern */
#define PARSE_IFMAX	(IPF_IFNAMSIZ - 1)

/* A keyword: its one-letter flag form, its listing form, its value. */
struct keyword {
	const char	*kw_flag;	/* "P", or NULL: listing form only */
	const char	*kw_name;	/* "permit" */
	int		 kw_val;
};

int	parse_keyword(const char *, const struct keyword *, int *);
const char *parse_kwname(const struct keyword *, int);
const char *parse_kwflag(const struct keyword *, int);
int	parse_uint(const char *, uint32_t, uint32_t *);
int	parse_addr(const char *, int, union ipf_addr *, char *, size_t);
int	parse_addr_literal(const char *, int);
int	parse_mask(const char *, int, union ipf_addr *, char *, size_t);
int	parse_text(const char *, size_t, char *, size_t);
int	parse_hex(const char *, uint8_t *, size_t, size_t *);
int	parse_idlist(const char *, uint32_t **, size_t *, char *, size_t);
int	idlist_has(const uint32_t *, size_t, uint32_t);

void	mask_host(int, union ipf_addr *);
void	mask_from_prefix(int, unsigned int, union ipf_addr *);
int	mask_prefix(int, const union ipf_addr *);
int	addr_isany(int, const union ipf_addr *);
const char *addr_str(int, const union ipf_addr *, char *, size_t);

#endif /* PARSE_H */
