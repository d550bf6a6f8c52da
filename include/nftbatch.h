/* nftbatch.h - nftables objects built with libnftnl and sent as one atomic batch.
 *
 * The expression helpers each append one step to a rule, with register 1 as the
 * accumulator (as nft(8) compiles "meta mark & 0xff == 3"); any allocation failure is
 * remembered in the batch and fails the commit, so callers need not check each step.
 */
#ifndef NETJAIL_NFTBATCH_H
#define NETJAIL_NFTBATCH_H

#include <stdio.h>	/* before libnftnl's headers, which use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

/* The most a batch may hold.  The largest jail table (8 published ports with their
 * addresses, IPv6, both uplink guards and the host NAT shortcut) is about 18 KiB; the rest
 * is room for more rules.  Any one object must be far smaller than this (a rule of ours is
 * under 1 KiB): nftb_start explains why. */
#define NFTB_LIMIT 32768

struct nft_batch {
	struct mnl_nlmsg_batch *msgs;
	struct nl *nl;
	unsigned objects;
	int err;		/* -ENOMEM once anything could not be built, -ENOBUFS
				 * once the batch would pass NFTB_LIMIT */
	uint32_t first_seq;
	uint8_t family;		/* of the objects sent next: NFPROTO_INET unless changed */
	char *buf;		/* 2 * NFTB_LIMIT bytes, see nftb_start */
};

/* Begin a batch on NETLINK_NETFILTER socket @nl.  0 or -ENOMEM.  Every nftb_start must be
 * followed by nftb_commit, which frees what it took. */
int nftb_start(struct nft_batch *b, struct nl *nl);
/* End it, send it, and read one ack per object.  0 or the first -errno (the kernel then
 * applied none of it); -ENOBUFS, with nothing sent, if it held more than NFTB_LIMIT. */
int nftb_commit(struct nft_batch *b);

/* inet-family objects.  @msg_flags: NLM_F_CREATE, NLM_F_EXCL. */
void nftb_add_table(struct nft_batch *b, const char *name, uint32_t table_flags, uint16_t msg_flags);
void nftb_delete_table(struct nft_batch *b, const char *name);
void nftb_add_chain(struct nft_batch *b, const char *table, const char *name, const char *type,
		    uint32_t hook, int32_t priority);
/* A chain without a hook, reached by nftb_jump only. */
void nftb_add_regular_chain(struct nft_batch *b, const char *table, const char *name);
/* Delete every rule of @chain (in the same batch as the new ones: no moment without). */
void nftb_flush_chain(struct nft_batch *b, const char *table, const char *chain);
void nftb_delete_rule(struct nft_batch *b, const char *table, const char *chain, uint64_t handle);
struct nftnl_rule *nftb_rule_new(const char *table, const char *chain);
/* Append @rule (may be NULL: out of memory) to its chain and free it. */
void nftb_send_rule(struct nft_batch *b, struct nftnl_rule *rule);
/* The same, at the head of its chain. */
void nftb_insert_rule(struct nft_batch *b, struct nftnl_rule *rule);

/* Queue one object of message @type (NFT_MSG_...), its payload written by @build (e.g. a
 * wrapper of nftnl_flowtable_nlmsg_build_payload), for objects the helpers below lack. */
void nftb_send_object(struct nft_batch *b, uint16_t type, uint16_t flags,
		      void (*build)(struct nlmsghdr *, const void *), const void *object);

void nftb_add_expr(struct nftnl_rule *rule, struct nftnl_expr *expr, struct nft_batch *batch);
void nftb_load_meta(struct nftnl_rule *r, uint32_t key, struct nft_batch *b);
void nftb_store_meta(struct nftnl_rule *r, uint32_t key, struct nft_batch *b);
void nftb_load_ct(struct nftnl_rule *r, uint32_t key, struct nft_batch *b);
void nftb_store_ct(struct nftnl_rule *r, uint32_t key, struct nft_batch *b);
void nftb_load_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
		       struct nft_batch *b);
/* NAT (@type NFT_NAT_SNAT or _DNAT, for @nfproto) to the address in register 1 and, with
 * @port, the port in register 2. */
void nftb_nat(struct nftnl_rule *r, uint32_t type, uint32_t nfproto, bool port,
	      struct nft_batch *b);
void nftb_load_immediate(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len,
			 struct nft_batch *b);
/* reg1 = (reg1 & mask) ^ xor, on 32 bits */
void nftb_mask_xor(struct nftnl_rule *r, uint32_t mask, uint32_t xor, struct nft_batch *b);
void nftb_compare(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len,
		  struct nft_batch *b);
void nftb_match_u32(struct nftnl_rule *r, uint32_t value, struct nft_batch *b);
/* "iifname NAME" / "oifname NAME" for @key NFT_META_IIFNAME / NFT_META_OIFNAME */
void nftb_match_ifname(struct nftnl_rule *r, uint32_t key, const char *name, struct nft_batch *b);
/* "iifname != NAME" / "oifname != NAME" */
void nftb_match_ifname_not(struct nftnl_rule *r, uint32_t key, const char *name,
			   struct nft_batch *b);
void nftb_match_ipv4(struct nftnl_rule *r, struct nft_batch *b);
void nftb_verdict(struct nftnl_rule *r, int code, struct nft_batch *b);
/* "jump CHAIN" */
void nftb_jump(struct nftnl_rule *r, const char *chain, struct nft_batch *b);
void nftb_count(struct nftnl_rule *r, struct nft_batch *b);
/* "counter drop comment TEXT": a drop that --list and `nft list` can count by name. */
void nftb_drop_counted(struct nftnl_rule *r, const char *comment, struct nft_batch *b);
/* "fib saddr type != local" (any of the host's addresses), or with @on_oif
 * "fib saddr . oif type != local" (the out link's own addresses only). */
void nftb_match_saddr_not_local(struct nftnl_rule *r, bool on_oif, struct nft_batch *b);
/* The rule's comment, stored as nft(8) stores it, so `nft list` shows it too. */
void nftb_comment(struct nftnl_rule *r, const char *text, struct nft_batch *b);

/* The comment of @rule (from a dump), or NULL. */
const char *nftb_rule_comment(const struct nftnl_rule *rule);
/* Is table "inet @name" there?  1, 0 or -errno. */
int nftb_table_present(struct nl *nl, const char *name);
/* Dump the rules of inet table @table, calling @cb for each message.  0, -ENOENT if there
 * is no such table, or -errno. */
int nftb_dump_rules(struct nl *nl, const char *table, mnl_cb_t cb, void *data);
/* Dump the rules of chain @chain of table @table of @family (any family's tables and chains
 * if those are NULL and @family is NFPROTO_UNSPEC).  0, -ENOENT, or -errno. */
int nftb_dump_chain_rules(struct nl *nl, uint8_t family, const char *table, const char *chain,
			  mnl_cb_t cb, void *data);

#endif
