/* floorexpr.h - nftables expressions for the floor's rules (floorexpr.c).  Bench-only. */
#ifndef NETJAIL_BENCH_FLOOREXPR_H
#define NETJAIL_BENCH_FLOOREXPR_H

#include <stdint.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "floor.h"

#define MARK_MASK 0xff000000u	/* the ct mark's bits that netjail's jails own */
#define MARK 0x01000000u	/* the first jail's */
#define ESTABLISHED (NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED))

/* @p, or exit 1 with "out of memory" */
void *must(void *p);
/* A new expression @name appended to @r. */
struct nftnl_expr *expr(struct nftnl_rule *r, const char *name);
/* The rest append to @r what nft(8) writes for a rule's words, through register 1: "meta
 * KEY", "ct KEY", "... OP DATA", "& AND ^ XOR", "@base,offset,len", "[i|o]ifname OP NAME[*]",
 * "accept|drop|jump|return", a comment, "counter drop comment", "meta nfproto", "ct KEY &
 * BITS OP VALUE", "[i|o]if OP <host veth>", "ct state untracked l4proto ipv6-icmp accept",
 * "tcp flags != syn", "fib saddr [. oif] type != local", "reject", "snat to <register 1>". */
void meta(struct nftnl_rule *r, uint32_t key);
void ct(struct nftnl_rule *r, uint32_t key, uint32_t reg_attr);
void cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
void cmp32(struct nftnl_rule *r, uint32_t op, uint32_t value);
void cmp8(struct nftnl_rule *r, uint8_t value);
void mask(struct nftnl_rule *r, uint32_t and, uint32_t xor);
void payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);
void ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name, int prefix);
void verdict(struct nftnl_rule *r, int code, const char *target);
void comment(struct nftnl_rule *r, const char *text);
void counted_drop(struct nftnl_rule *r, const char *text);
void nfproto(struct nftnl_rule *r, uint8_t family);
void ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t bits, uint32_t op, uint32_t value);
void on_link(struct nftnl_rule *r, uint32_t key, uint32_t op, const struct floor_jail *fj);
void neighbour_discovery(struct nftnl_rule *r);
void not_syn(struct nftnl_rule *r);
void fib_saddr_not_local(struct nftnl_rule *r, uint32_t flags);
void reject(struct nftnl_rule *r, uint32_t type, uint8_t code);
void snat(struct nftnl_rule *r, uint32_t family);

#endif
