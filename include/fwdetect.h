/* fwdetect.h - the host's own firewall: which forward-hook chains would drop a jail's traffic,
 * and whose they are. */
#ifndef NETJAIL_FWDETECT_H
#define NETJAIL_FWDETECT_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

#define FW_NAME_MAX 256		/* NFT_NAME_MAXLEN: a table's or chain's name, NUL included */
#define FW_MAX_CHAINS 16

enum fw_owner {
	FW_OWNER_FIREWALLD,	/* table inet firewalld */
	FW_OWNER_DOCKER,	/* iptables-nft's table ip(6) filter with a DOCKER-USER chain */
	FW_OWNER_UFW,		/* iptables-nft's table with ufw's ufw-* (ufw6-*) chains */
	FW_OWNER_IPTABLES,	/* iptables-nft's table ip(6) filter, chain FORWARD, no one else's */
	FW_OWNER_UNKNOWN,	/* any other nftables table */
};

/* One forward-hook base chain that drops what it does not accept. */
struct fw_chain {
	uint8_t family;		/* NFPROTO_IPV4, NFPROTO_IPV6 or NFPROTO_INET */
	enum fw_owner owner;
	bool policy_drop;	/* its policy is drop (else its last rule drops or rejects all) */
	bool allows_jail;	/* a rule in it (or, Docker's, in DOCKER-USER) accepts the jail's
				 * link both in and out: netjail's own, or an admin's "nj*" */
	char table[FW_NAME_MAX];
	char chain[FW_NAME_MAX];
	char insert_chain[FW_NAME_MAX];	/* where netjail's rules go: DOCKER-USER or @chain */
};

struct fw_report {
	unsigned count;
	bool truncated;			/* more than FW_MAX_CHAINS: the rest are not listed */
	struct fw_chain chains[FW_MAX_CHAINS];
	/* Legacy iptables (x_tables): its filter table exists, and its FORWARD policy is DROP
	 * (or could not be read: netjail then takes it for DROP). */
	bool legacy4, legacy4_drop, legacy6, legacy6_drop;
};

/* Find, through NETLINK_NETFILTER socket @nft, every forward-hook base chain of a table of
 * family ip, ip6 or inet (not netjail's own) that drops what no rule accepts, and whether it
 * already lets the link @host_veth through; and legacy iptables' filter table.  0 or -errno. */
int fw_detect(struct nl *nft, const char *host_veth, struct fw_report *report);

/* Is table @table of @family one of netjail's own (inet netjail<N>, netjail_guard,
 * netjail_hostnat, netjail_seal)? */
bool fw_table_is_netjails(uint8_t family, const char *table);

/* Does @chain concern a jail (with IPv6 if @ipv6)?  ip6 chains only with IPv6. */
bool fw_chain_concerns(const struct fw_chain *chain, bool ipv6);

const char *fw_owner_name(enum fw_owner owner);
/* "ip", "ip6", "inet" */
const char *fw_family_name(uint8_t family);

/* fwlegacy.c: is x_tables' (legacy iptables') filter table of @ipv6's family there?  0 if
 * not, 1 with a FORWARD policy other than DROP, 2 with DROP, 3 if the policy cannot be read. */
int fw_legacy_filter(bool ipv6);

#endif
