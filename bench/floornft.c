/* floornft.c - the nftables part of `floor --objects`: the objects netjail makes for one jail,
 * in one batch, as nft.c, seal.c, guard.c and hostnat.c make them.
 *
 *   table inet <table> (owned)          5 base chains, 1 regular chain, 21 rules:
 *     postrouting (nat, postrouting 301)  1: oifname, ip saddr, snat to the uplink's address
 *     leave (filter, postrouting 302)     1: oifname, ct mark, fib saddr type, counter, drop
 *     stale (regular)                     3: ct reply daddr / ct status, counter, reject
 *     forward (filter, forward 0)         6: iif, oifname, ct mark set, ct status/state, ...
 *     from_host (filter, output 0)        5: oif, ct state, ct status, l4proto, counter drop
 *     to_host (filter, input 0)           5: iifname, tcp flags, iif, ct state, counter drop
 *   with --shared, as a lone jail makes (and removes) them too:
 *     table inet <table>_guard            forward (filter 0), 1 rule
 *     table inet <table>_hostnat          postrouting (nat 300), 2 rules (null-binding snat)
 *     table inet <table>_seal             postrouting (500), forward, input, output: 6 rules
 *
 * The rules have netjail's expressions (so the kernel validates and binds the same ones:
 * nat, fib, reject, ct, bitwise, counter, comments), not necessarily its exact bytes.
 * Every message asks for an ack, as netjail's do.  Bench-only code.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "floor.h"
#include "floorexpr.h"


/* The batch being written: its buffer, the next sequence number, the acks asked for. */
struct batch {
	struct mnl_nlmsg_batch *b;
	uint32_t *seq;
	unsigned *acks;
	int full;
};

static struct nlmsghdr *header(struct batch *bt, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_INET,
						     flags | NLM_F_ACK, (*bt->seq)++);

	(*bt->acks)++;
	return nlh;
}

static void next(struct batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->full = 1;
}

static void table(struct batch *bt, const char *name, uint32_t flags, uint16_t type)
{
	struct nftnl_table *t = must(nftnl_table_alloc());

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	if (type == NFT_MSG_NEWTABLE)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, flags);
	nftnl_table_nlmsg_build_payload(header(bt, type, type == NFT_MSG_NEWTABLE ?
					       NLM_F_CREATE | NLM_F_EXCL : 0), t);
	nftnl_table_free(t);
	next(bt);
}

/* A base chain (@type "filter" or "nat"), or a regular one (@type NULL). */
static void chain(struct batch *bt, const char *tbl, const char *name, const char *type,
		  uint32_t hook, int32_t prio)
{
	struct nftnl_chain *c = must(nftnl_chain_alloc());

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, tbl);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nftnl_chain_nlmsg_build_payload(header(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
	nftnl_chain_free(c);
	next(bt);
}

static struct nftnl_rule *rule(const char *tbl, const char *chn)
{
	struct nftnl_rule *r = must(nftnl_rule_alloc());

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, tbl);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chn);
	return r;
}

static void send_rule(struct batch *bt, struct nftnl_rule *r)
{
	nftnl_rule_nlmsg_build_payload(header(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
	nftnl_rule_free(r);
	next(bt);
}

/* One of from_host's and to_host's guards of the jail's link (nft.c add_link_guard). */
static void link_guard(struct batch *bt, const struct floor_jail *fj, const char *chn, uint32_t key,
		       int published, const char *text)
{
	struct nftnl_rule *r = rule(fj->table, chn);

	on_link(r, key, NFT_CMP_NEQ, fj);
	verdict(r, NF_ACCEPT, NULL);
	send_rule(bt, r);
	r = rule(fj->table, chn);
	ct_bits(r, NFT_CT_STATE, ESTABLISHED, NFT_CMP_NEQ, 0);
	verdict(r, NF_ACCEPT, NULL);
	send_rule(bt, r);
	if (published) {
		r = rule(fj->table, chn);
		ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_EQ, IPS_DST_NAT);
		verdict(r, NF_ACCEPT, NULL);
		send_rule(bt, r);
	}
	r = rule(fj->table, chn);
	neighbour_discovery(r);
	send_rule(bt, r);
	r = rule(fj->table, chn);
	counted_drop(r, text);
	send_rule(bt, r);
}

static void jail_table(struct batch *bt, const struct floor_jail *fj)
{
	struct nftnl_rule *r;

	table(bt, fj->table, NFT_TABLE_F_OWNER, NFT_MSG_NEWTABLE);
	chain(bt, fj->table, "postrouting", "nat", NF_INET_POST_ROUTING, 301);
	chain(bt, fj->table, "leave", "filter", NF_INET_POST_ROUTING, 302);
	chain(bt, fj->table, "stale", NULL, 0, 0);
	chain(bt, fj->table, "forward", "filter", NF_INET_FORWARD, 0);
	chain(bt, fj->table, "from_host", "filter", NF_INET_LOCAL_OUT, 0);
	chain(bt, fj->table, "to_host", "filter", NF_INET_LOCAL_IN, 0);

	r = rule(fj->table, "postrouting");
	ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	nfproto(r, NFPROTO_IPV4);
	payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
	cmp32(r, NFT_CMP_EQ, fj->jail_addr);
	{
		struct nftnl_expr *e = expr(r, "immediate");

		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &fj->nat_addr, sizeof(fj->nat_addr));
	}
	snat(r, NFPROTO_IPV4);
	send_rule(bt, r);

	r = rule(fj->table, "leave");
	ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	ct_bits(r, NFT_CT_MARK, MARK_MASK, NFT_CMP_EQ, MARK);
	fib_saddr_not_local(r, 0);
	counted_drop(r, "fail-closed");
	send_rule(bt, r);

	r = rule(fj->table, "stale");
	nfproto(r, NFPROTO_IPV4);
	{
		struct nftnl_expr *e = expr(r, "ct");

		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_DST_IP);
		nftnl_expr_set_u8(e, NFTNL_EXPR_CT_DIR, IP_CT_DIR_REPLY);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	cmp32(r, NFT_CMP_EQ, fj->nat_addr);
	verdict(r, NFT_RETURN, NULL);
	send_rule(bt, r);
	for (int tcp = 1; tcp >= 0; tcp--) {
		r = rule(fj->table, "stale");
		nfproto(r, NFPROTO_IPV4);
		ct_bits(r, NFT_CT_STATUS, IPS_SRC_NAT, NFT_CMP_EQ, IPS_SRC_NAT);
		expr(r, "counter");
		if (tcp) {
			meta(r, NFT_META_L4PROTO);
			cmp8(r, IPPROTO_TCP);
			reject(r, NFT_REJECT_TCP_RST, 0);
		} else {
			reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
		}
		send_rule(bt, r);
	}

	r = rule(fj->table, "forward");
	on_link(r, NFT_META_IIF, NFT_CMP_EQ, fj);
	ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	verdict(r, NFT_JUMP, "stale");
	send_rule(bt, r);
	r = rule(fj->table, "forward");
	on_link(r, NFT_META_IIF, NFT_CMP_EQ, fj);
	ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	nfproto(r, NFPROTO_IPV4);
	ct(r, NFT_CT_MARK, NFTNL_EXPR_CT_DREG);
	mask(r, ~MARK_MASK, MARK);
	ct(r, NFT_CT_MARK, NFTNL_EXPR_CT_SREG);
	expr(r, "counter");
	verdict(r, NF_ACCEPT, NULL);
	comment(r, "egress");
	send_rule(bt, r);
	r = rule(fj->table, "forward");
	on_link(r, NFT_META_IIF, NFT_CMP_EQ, fj);
	counted_drop(r, "fail-closed");
	send_rule(bt, r);
	r = rule(fj->table, "forward");
	on_link(r, NFT_META_OIF, NFT_CMP_EQ, fj);
	ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_EQ, IPS_DST_NAT);
	verdict(r, NF_ACCEPT, NULL);
	send_rule(bt, r);
	r = rule(fj->table, "forward");
	on_link(r, NFT_META_OIF, NFT_CMP_EQ, fj);
	ct_bits(r, NFT_CT_STATE, ESTABLISHED, NFT_CMP_EQ, 0);
	counted_drop(r, "inbound");
	send_rule(bt, r);
	r = rule(fj->table, "forward");
	ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	nfproto(r, NFPROTO_IPV4);
	ct_bits(r, NFT_CT_MARK, MARK_MASK, NFT_CMP_EQ, 0);
	verdict(r, NF_DROP, NULL);
	send_rule(bt, r);

	link_guard(bt, fj, "from_host", NFT_META_OIF, 1, "inbound");
	r = rule(fj->table, "to_host");
	ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	ct_bits(r, NFT_CT_STATE, NF_CT_STATE_INVALID_BIT | NF_CT_STATE_BIT(IP_CT_NEW), NFT_CMP_NEQ, 0);
	not_syn(r);
	verdict(r, NF_DROP, NULL);
	send_rule(bt, r);
	link_guard(bt, fj, "to_host", NFT_META_IIF, 0, "to-host");
}

/* The tables netjail's jails share (guard.c, hostnat.c, seal.c), which the first jail makes. */
static void shared_tables(struct batch *bt, const struct floor_jail *fj)
{
	char guard[48], hostnat[48], seal[48], text[IFNAMSIZ + 8];
	struct nftnl_rule *r;

	snprintf(guard, sizeof(guard), "%s_guard", fj->table);
	snprintf(hostnat, sizeof(hostnat), "%s_hostnat", fj->table);
	snprintf(seal, sizeof(seal), "%s_seal", fj->table);

	table(bt, guard, 0, NFT_MSG_NEWTABLE);
	chain(bt, guard, "forward", "filter", NF_INET_FORWARD, 0);
	r = rule(guard, "forward");
	ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, fj->uplink, 0);
	nfproto(r, NFPROTO_IPV4);
	ct_bits(r, NFT_CT_MARK, MARK_MASK, NFT_CMP_EQ, 0);
	snprintf(text, sizeof(text), "%s ipv4", fj->uplink);
	counted_drop(r, text);
	send_rule(bt, r);

	table(bt, hostnat, 0, NFT_MSG_NEWTABLE);
	chain(bt, hostnat, "postrouting", "nat", NF_INET_POST_ROUTING, 300);
	for (int v6 = 0; v6 < 2; v6++) {
		r = rule(hostnat, "postrouting");
		ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, fj->prefix, 1);
		nfproto(r, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
		payload(r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 8 : 12, v6 ? 16 : 4);
		snat(r, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
		comment(r, "not a jail's: null binding, skip the jails' NAT chains");
		send_rule(bt, r);
	}

	table(bt, seal, 0, NFT_MSG_NEWTABLE);
	chain(bt, seal, "postrouting", "filter", NF_INET_POST_ROUTING, 500);
	chain(bt, seal, "forward", "filter", NF_INET_FORWARD, 0);
	chain(bt, seal, "input", "filter", NF_INET_LOCAL_IN, 0);
	chain(bt, seal, "output", "filter", NF_INET_LOCAL_OUT, 0);
	for (int fib = 0; fib < 2; fib++) {
		r = rule(seal, "postrouting");
		ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, fj->prefix, 1);
		ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, fj->prefix, 1);
		if (fib) {
			fib_saddr_not_local(r, NFTA_FIB_F_OIF);
			counted_drop(r, "not NATed");
		} else {
			ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_EQ, IPS_DST_NAT);
			verdict(r, NF_ACCEPT, NULL);
		}
		send_rule(bt, r);
	}
	r = rule(seal, "forward");
	ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, fj->prefix, 1);
	ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, fj->prefix, 1);
	ct_bits(r, NFT_CT_MARK, MARK_MASK, NFT_CMP_NEQ, 0);
	counted_drop(r, "past its jail");
	send_rule(bt, r);
	for (int lost = 0; lost < 2; lost++) {
		r = rule(seal, "input");
		ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, fj->prefix, 1);
		ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, "lo", 0);
		ct_bits(r, NFT_CT_STATE, lost ? NF_CT_STATE_BIT(IP_CT_NEW) : NF_CT_STATE_INVALID_BIT,
			NFT_CMP_NEQ, 0);
		if (lost)
			not_syn(r);
		counted_drop(r, lost ? "lost connection" : "no connection");
		send_rule(bt, r);
	}
	r = rule(seal, "output");
	ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, fj->prefix, 1);
	ct_bits(r, NFT_CT_MARK, MARK_MASK, NFT_CMP_NEQ, 0);
	counted_drop(r, "about a jail's");
	send_rule(bt, r);
}

static size_t finish(struct batch *bt)
{
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), (*bt->seq)++);
	next(bt);
	if (bt->full) {
		mnl_nlmsg_batch_stop(bt->b);
		return 0;
	}
	size_t len = mnl_nlmsg_batch_size(bt->b);

	mnl_nlmsg_batch_stop(bt->b);
	return len;
}

static void start(struct batch *bt, void *buf, size_t size, uint32_t *seq, unsigned *acks)
{
	/* libmnl's batch may pass its limit by one message: room for it. */
	bt->b = must(mnl_nlmsg_batch_start(buf, size / 2));
	bt->seq = seq;
	bt->acks = acks;
	bt->full = 0;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), (*seq)++);
	next(bt);
}

size_t floor_nft_setup(void *buf, size_t size, const struct floor_jail *fj, bool shared,
		       uint32_t *seq, unsigned *acks)
{
	struct batch bt;

	start(&bt, buf, size, seq, acks);
	if (shared)
		shared_tables(&bt, fj);
	jail_table(&bt, fj);
	return finish(&bt);
}

size_t floor_nft_teardown(void *buf, size_t size, const struct floor_jail *fj, bool shared,
			  uint32_t *seq, unsigned *acks)
{
	static const char *const suffixes[] = { "_guard", "_hostnat", "_seal" };
	char name[48];
	struct batch bt;

	start(&bt, buf, size, seq, acks);
	table(&bt, fj->table, 0, NFT_MSG_DELTABLE);
	for (size_t i = 0; shared && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", fj->table, suffixes[i]);
		table(&bt, name, 0, NFT_MSG_DELTABLE);
	}
	return finish(&bt);
}
