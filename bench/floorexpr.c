/* floorexpr.c - nftables expressions for the floor's rules, as netjail's (nftbatch.c) and
 * nft(8) write them: one small function per word of a rule, all through register 1.  Out of
 * memory is fatal (bench-only code).
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "floorexpr.h"

void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "floor: out of memory\n");
		exit(1);
	}
	return p;
}

struct nftnl_expr *expr(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = must(nftnl_expr_alloc(name));

	nftnl_rule_add_expr(r, e);
	return e;
}

void meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = expr(r, "meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

void ct(struct nftnl_rule *r, uint32_t key, uint32_t reg_attr)
{
	struct nftnl_expr *e = expr(r, "ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, reg_attr, NFT_REG_1);
}

void cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(r, "cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

void cmp32(struct nftnl_rule *r, uint32_t op, uint32_t value)
{
	cmp(r, op, &value, sizeof(value));
}

void cmp8(struct nftnl_rule *r, uint8_t value)
{
	cmp(r, NFT_CMP_EQ, &value, sizeof(value));
}

void mask(struct nftnl_rule *r, uint32_t and, uint32_t xor)
{
	struct nftnl_expr *e = expr(r, "bitwise");

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &and, sizeof(and));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &xor, sizeof(xor));
}

void payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = expr(r, "payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
}

/* "meta KEY OP NAME", the whole name, or with @prefix its first characters ("nj*") */
void ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name, int prefix)
{
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, sizeof(padded) - 1);
	meta(r, key);
	cmp(r, op, padded, prefix ? (uint32_t)strlen(name) : sizeof(padded));
}

void verdict(struct nftnl_rule *r, int code, const char *target)
{
	struct nftnl_expr *e = expr(r, "immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
	if (target)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, target);
}

void comment(struct nftnl_rule *r, const char *text)
{
	struct nftnl_udata_buf *u = must(nftnl_udata_buf_alloc(64));

	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, text);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
}

void counted_drop(struct nftnl_rule *r, const char *text)
{
	expr(r, "counter");
	verdict(r, NF_DROP, NULL);
	comment(r, text);
}

void nfproto(struct nftnl_rule *r, uint8_t family)
{
	meta(r, NFT_META_NFPROTO);
	cmp8(r, family);
}

void ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t bits, uint32_t op, uint32_t value)
{
	ct(r, key, NFTNL_EXPR_CT_DREG);
	mask(r, bits, 0);
	cmp32(r, op, value);
}

/* "iif|oif [!=] <host veth>", by index */
void on_link(struct nftnl_rule *r, uint32_t key, uint32_t op, const struct floor_jail *fj)
{
	meta(r, key);
	cmp32(r, op, (uint32_t)fj->host_veth_index);
}

/* "ct state untracked meta l4proto ipv6-icmp accept" */
void neighbour_discovery(struct nftnl_rule *r)
{
	ct_bits(r, NFT_CT_STATE, NF_CT_STATE_UNTRACKED_BIT, NFT_CMP_NEQ, 0);
	meta(r, NFT_META_L4PROTO);
	cmp8(r, IPPROTO_ICMPV6);
	verdict(r, NF_ACCEPT, NULL);
}

/* "tcp flags & (fin|syn|rst|ack) != syn" */
void not_syn(struct nftnl_rule *r)
{
	meta(r, NFT_META_L4PROTO);
	cmp8(r, IPPROTO_TCP);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	mask(r, 0x17, 0);
	cmp(r, NFT_CMP_NEQ, &(uint8_t){ 0x02 }, 1);
}

void fib_saddr_not_local(struct nftnl_rule *r, uint32_t flags)
{
	struct nftnl_expr *e = expr(r, "fib");

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_SADDR | flags);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	cmp32(r, NFT_CMP_NEQ, RTN_LOCAL);
}

void reject(struct nftnl_rule *r, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = expr(r, "reject");

	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
}

/* "snat ip|ip6 to" what register 1 holds */
void snat(struct nftnl_rule *r, uint32_t family)
{
	struct nftnl_expr *e = expr(r, "nat");

	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_SNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
}
