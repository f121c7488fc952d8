/*
 * tundb.h: the manual-tunnel databases tun4.db and tun6.db
 * (aix-reference.md 1.1, 4; ipsecfilt.db(5)).
 *
 * A tunnel has two sides: index TUN_SRC holds what gentun's lowercase
 * flags set (the local host, the SAs it sends with), TUN_DST what the
 * uppercase flags set (the partner, the SAs the local host receives
 * with).  imptun's mirror is then one swap per pair.
 */
#ifndef TUNDB_H
#define TUNDB_H

#include <stddef.h>
#include <stdint.h>

#include "ipf.h"
#include "tunalg.h"

struct db_txn;

#define TUN_SRC		0
#define TUN_DST		1
#define TUN_SPIMIN	256		/* 0-255 are reserved, RFC 4303 2.1 */
#define TUN_LIFEMAX	525600		/* minutes: one year */
#define TUN_HEADER	"# ipsecfilt tun%d v1"

enum tun_policy {			/* gentun -p: the headers, outermost */
	TUN_POL_E,			/* ESP only */
	TUN_POL_A,			/* AH only */
	TUN_POL_EA,			/* encrypt, then AH outside */
	TUN_POL_AE			/* AH inside, then ESP outside */
};

enum tun_mode {
	TUN_MODE_TUNNEL,
	TUN_MODE_TRANSPORT
};

enum tun_encap {
	TUN_ENCAP_NONE,
	TUN_ENCAP_UDP			/* ESP-in-UDP, RFC 3948, port 4500 */
};

struct tun_key {
	uint8_t		tk_buf[TUNALG_KEYMAX];
	size_t		tk_len;
};

/* One record: the 27 lstun -O fields + esn, encap, state. */
struct tun {
	uint32_t	t_id;
	uint8_t		t_ver;			/* 4 or 6 */
	union ipf_addr	t_src;			/* local endpoint */
	union ipf_addr	t_dst;			/* partner, or host behind fw */
	union ipf_addr	t_mask;			/* -x: network behind fw */
	union ipf_addr	t_fw;			/* -f: firewall endpoint */
	uint8_t		t_hasfw;
	uint8_t		t_mode;			/* enum tun_mode */
	uint32_t	t_life;			/* minutes, 0 never expires */
	uint8_t		t_policy[2];		/* enum tun_policy */
	uint32_t	t_ahspi[2];
	uint8_t		t_ahalg[2];		/* enum tunalg_id */
	struct tun_key	t_ahkey[2];
	uint32_t	t_espspi[2];
	uint8_t		t_encalg[2];
	struct tun_key	t_enckey[2];
	uint8_t		t_espauth[2];
	struct tun_key	t_espkey[2];
	uint8_t		t_replay;
	uint8_t		t_header;		/* 1: new header format */
	uint8_t		t_esn;			/* 64-bit ESN, RFC 4303 2.2.1 */
	uint8_t		t_encap;		/* enum tun_encap */
	uint8_t		t_active;		/* state: mktun/rmtun */
};

/*
 * A tunnel as ipsecd installed it (lstun -a, aix-reference.md 4.4): the
 * record's state at mktun, which later database changes do not touch.
 * Index TUN_SRC is what this host sends with, TUN_DST what it receives
 * with; SPIs of headers the policy does not use are 0.  No keys.  The
 * lifetime left and the SAs' counters are ipsecd's at the time asked.
 */
struct tun_active {
	uint32_t	ta_id;
	uint8_t		ta_ver;
	uint8_t		ta_mode;		/* enum tun_mode */
	uint8_t		ta_encap;		/* enum tun_encap */
	uint8_t		ta_policy[2];		/* enum tun_policy */
	union ipf_addr	ta_src;
	union ipf_addr	ta_dst;
	uint32_t	ta_espspi[2];
	uint32_t	ta_ahspi[2];
	int64_t		ta_remaining;		/* seconds; -1 never */
	uint32_t	ta_nsa;			/* ipsecstat: the SAs, */
	struct ipf_sastat ta_sa[IPF_SAMAX];	/* out then in */
};

/* A version's tunnels, ascending tid. */
struct ttable {
	int		 tt_ver;
	struct tun	*tt_tuns;
	size_t		 tt_n;
};

void	tun_init(struct tun *, int);
void	tun_mirror(struct tun *);
int	tun_random(void *, size_t);

/*
 * Read $IPSEC_CONFDIR/tunV.db (no file: no tunnels).  Errors return -1
 * with a one-line message in err: "PATH:LINE: <problem>".
 */
int	ttable_read(int, struct ttable *, char *, size_t);
int	ttable_write(const struct ttable *, char *, size_t);
/*
 * Stage the file in a db_txn (db.h) for a change of several files;
 * on error the whole txn is aborted.
 */
int	ttable_stage(const struct ttable *, struct db_txn *, char *, size_t);
/* Wipes the keys before freeing. */
void	ttable_free(struct ttable *);
int	ttable_path(int, char *, size_t, char *, size_t);
struct tun *ttable_find(const struct ttable *, uint32_t);
/* Append a copy with the next tid (highest + 1), returned in *tid. */
int	ttable_add(struct ttable *, const struct tun *, uint32_t *);
void	ttable_remove(struct ttable *, uint32_t);

/*
 * The tunnels a command's -t list names, over the versions it reads
 * (tables[0..n)).  No list: all.  Returns 0, or -1 with "tunnel N does
 * not exist for IPv4" in err.  ttable_wanted() is 1 for a tunnel the
 * list names.
 */
int	ttable_checkids(const struct ttable *, size_t, const uint32_t *,
	    size_t, char *, size_t);
int	ttable_wanted(const uint32_t *, size_t, uint32_t);

/*
 * Inbound SPIs are unique per local address and protocol: the engine
 * finds an inbound SA by (destination, SPI, protocol), RFC 4301 4.1.
 * ttable_spi_user() returns the other tunnel (not tid) of that local
 * address already receiving with spi, or 0.  ttable_spi_fill() gives
 * every SPI of t that is still 0 a random value, unique where it must be.
 */
#define TUN_PROTO_AH	0
#define TUN_PROTO_ESP	1
uint32_t ttable_spi_user(const struct ttable *, const struct tun *, int,
	    uint32_t);
int	ttable_spi_fill(const struct ttable *, struct tun *);

#endif /* TUNDB_H */
