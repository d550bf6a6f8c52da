/* nft.c - the per-jail nftables table, built with libnftnl and sent as one batch.
 *
 * table inet netjail<N> (owned by netjail's netlink socket) {
 *   chain prerouting { type filter hook prerouting priority mangle;
 *     iif <host veth> meta mark set mark & ~MASK | M  ct mark set ct mark & ~MASK | M
 *     iifname <uplink> ct mark & MASK == M  meta mark set mark & ~MASK | M }
 *   chain postrouting { type nat hook postrouting priority srcnat;
 *     oifname <uplink> ip saddr <jail> masquerade }
 *   chain forward { type filter hook forward priority filter;
 *     iif <host veth> oifname <uplink> counter accept    comment "egress"
 *     iif <host veth> counter drop                       comment "fail-closed"
 *     oif <host veth> ct state != established,related counter drop   comment "inbound"
 *     [iifname <uplink> ct mark & MASK == 0 drop] }
 * }
 * "fail-closed" is the kill switch that does not depend on routing: whatever the rules and
 * tables say (another tool flushed them, the uplink vanished and the main table's default
 * route would take over), a packet from the jail is forwarded to the uplink or nowhere.
 * The comments name the counters that netjail --list reads (nft_read_counters).
 * The mark picks the jail's routing table for replies, and restoring it from conntrack is
 * what lets strict rp_filter on the uplink validate them (with src_valid_mark).  Bits of
 * the mark outside MASK belong to other tools (VPNs) and are kept.  The uplink is matched
 * by name so the rules keep working if the interface is re-created.
 */
#include <errno.h>
#include <netinet/in.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "nft.h"

#define CT_STATE_BIT(state) (1u << ((state) + 1))

struct batch {
	struct mnl_nlmsg_batch *msgs;
	struct nl *nl;
	unsigned objects;
	int err;		/* -ENOMEM once anything could not be built */
};

static void add_expr(struct nftnl_rule *rule, struct nftnl_expr *expr, struct batch *batch)
{
	if (!expr) {
		batch->err = -ENOMEM;
		return;
	}
	nftnl_rule_add_expr(rule, expr);
}

static void load_meta(struct nftnl_rule *r, uint32_t key, struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	add_expr(r, e, b);
}

static void store_meta(struct nftnl_rule *r, uint32_t key, struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	}
	add_expr(r, e, b);
}

static void load_ct(struct nftnl_rule *r, uint32_t key, struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	add_expr(r, e, b);
}

static void store_ct(struct nftnl_rule *r, uint32_t key, struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, NFT_REG_1);
	}
	add_expr(r, e, b);
}

/* reg1 = (reg1 & mask) ^ xor, on 32 bits */
static void mask_xor(struct nftnl_rule *r, uint32_t mask, uint32_t xor, struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &xor, sizeof(xor));
	}
	add_expr(r, e, b);
}

static void compare(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len,
		    struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	add_expr(r, e, b);
}

static void match_u32(struct nftnl_rule *r, uint32_t value, struct batch *b)
{
	compare(r, NFT_CMP_EQ, &value, sizeof(value), b);
}

static void match_ifname(struct nftnl_rule *r, uint32_t key, const char *name, struct batch *b)
{
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, sizeof(padded) - 1);
	load_meta(r, key, b);
	compare(r, NFT_CMP_EQ, padded, sizeof(padded), b);
}

static void verdict(struct nftnl_rule *r, int code, struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
	}
	add_expr(r, e, b);
}

static void load_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
			 struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	}
	add_expr(r, e, b);
}

static void match_ipv4(struct nftnl_rule *r, struct batch *b)
{
	uint8_t ipv4 = NFPROTO_IPV4;

	load_meta(r, NFT_META_NFPROTO, b);
	compare(r, NFT_CMP_EQ, &ipv4, sizeof(ipv4), b);
}

/* "ip daddr ADDR" if @p names one, else "fib daddr type local": only connections to this
 * host's own addresses are published, never traffic passing through it. */
static void match_published_daddr(struct nftnl_rule *r, const struct publish *p, struct batch *b)
{
	struct nftnl_expr *e;

	match_ipv4(r, b);
	if (p->has_addr) {
		load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, b);
		compare(r, NFT_CMP_EQ, &p->addr, sizeof(p->addr), b);
		return;
	}
	e = nftnl_expr_alloc("fib");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	add_expr(r, e, b);
	match_u32(r, RTN_LOCAL, b);
}

/* "meta l4proto P th dport HOST_PORT" */
static void match_published_port(struct nftnl_rule *r, const struct publish *p, struct batch *b)
{
	uint16_t port = htons(p->host_port);

	load_meta(r, NFT_META_L4PROTO, b);
	compare(r, NFT_CMP_EQ, &p->proto, sizeof(p->proto), b);
	load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, b);
	compare(r, NFT_CMP_EQ, &port, sizeof(port), b);
}

static void load_immediate(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len,
			   struct batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	add_expr(r, e, b);
}

/* "dnat ip to JAIL:JAIL_PORT" */
static void dnat_to_jail(struct nftnl_rule *r, const struct nft_jail *jail, const struct publish *p,
			 struct batch *b)
{
	uint16_t port = htons(p->jail_port);
	struct nftnl_expr *e;

	load_immediate(r, NFT_REG_1, &jail->jail_addr, sizeof(jail->jail_addr), b);
	load_immediate(r, NFT_REG_2, &port, sizeof(port), b);
	e = nftnl_expr_alloc("nat");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	}
	add_expr(r, e, b);
}

/* meta mark / ct mark := (old & ~MASK) | M: our bits set, everyone else's kept. */
static void set_own_mark(struct nftnl_rule *r, const struct nft_jail *jail, bool also_ct,
			 struct batch *b)
{
	load_meta(r, NFT_META_MARK, b);
	mask_xor(r, ~jail->mark_mask, jail->mark, b);
	store_meta(r, NFT_META_MARK, b);
	if (!also_ct)
		return;
	load_ct(r, NFT_CT_MARK, b);
	mask_xor(r, ~jail->mark_mask, jail->mark, b);
	store_ct(r, NFT_CT_MARK, b);
}

static void match_ct_mark(struct nftnl_rule *r, const struct nft_jail *jail, uint32_t value,
			  struct batch *b)
{
	load_ct(r, NFT_CT_MARK, b);
	mask_xor(r, jail->mark_mask, 0, b);
	match_u32(r, value, b);
}

static void send_object(struct batch *b, uint16_t type, uint16_t flags,
			void (*build)(struct nlmsghdr *, const void *), const void *object)
{
	struct nlmsghdr *nlh;

	if (b->err)
		return;
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->msgs), type, NFPROTO_INET,
				    flags | NLM_F_ACK, b->nl->seq++);
	build(nlh, object);
	b->objects++;
	if (!mnl_nlmsg_batch_next(b->msgs))
		b->err = -ENOBUFS;
}

static void build_table(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_table_nlmsg_build_payload(nlh, (struct nftnl_table *)obj);
}

static void build_chain(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_chain_nlmsg_build_payload(nlh, (struct nftnl_chain *)obj);
}

static void build_rule(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_rule_nlmsg_build_payload(nlh, (struct nftnl_rule *)obj);
}

static void add_chain(struct batch *b, const char *table, const char *name, const char *type,
		      uint32_t hook, int32_t priority)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	if (!chain) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, priority);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	send_object(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, build_chain, chain);
	nftnl_chain_free(chain);
}

static struct nftnl_rule *rule_new(const char *table, const char *chain)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	if (rule) {
		nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, table);
		nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain);
	}
	return rule;
}

static void count(struct nftnl_rule *r, struct batch *b)
{
	add_expr(r, nftnl_expr_alloc("counter"), b);
}

/* The rule's comment, stored as nft(8) stores it, so `nft list` shows it too. */
static void comment(struct nftnl_rule *r, const char *text, struct batch *b)
{
	struct nftnl_udata_buf *udata = nftnl_udata_buf_alloc(64);

	if (!udata || !nftnl_udata_put_strz(udata, NFTNL_UDATA_RULE_COMMENT, text))
		b->err = -ENOMEM;
	else
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(udata),
				    nftnl_udata_buf_len(udata));
	nftnl_udata_buf_free(udata);
}

static void send_rule(struct batch *b, struct nftnl_rule *rule)
{
	if (!rule) {
		b->err = -ENOMEM;
		return;
	}
	send_object(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, build_rule, rule);
	nftnl_rule_free(rule);
}

/* A published port: DNATed from the uplink and from the host itself.  No mark is needed:
 * replies come from the jail's link, so its rules route them; and the kernel checks the
 * reverse path of a forwarded packet as if it came in by its way out (flowi4_iif = the
 * jail's link), which the same "iif" rule answers with the uplink, so strict rp_filter
 * passes. */
static void add_publish_rules(struct batch *b, const struct nft_jail *jail, const struct publish *p)
{
	struct nftnl_rule *r = rule_new(jail->table, "dstnat");
	if (r) {
		match_ifname(r, NFT_META_IIFNAME, jail->uplink, b);
		match_published_daddr(r, p, b);
		match_published_port(r, p, b);
		dnat_to_jail(r, jail, p, b);
	}
	send_rule(b, r);

	r = rule_new(jail->table, "output");
	if (r) {
		match_published_daddr(r, p, b);
		match_published_port(r, p, b);
		dnat_to_jail(r, jail, p, b);
	}
	send_rule(b, r);
}

static void add_rules(struct batch *b, const struct nft_jail *jail)
{
	uint32_t established = CT_STATE_BIT(IP_CT_ESTABLISHED) | CT_STATE_BIT(IP_CT_RELATED);
	struct nftnl_rule *r;

	/* Everything the jail sends gets its mark, remembered by conntrack. */
	r = rule_new(jail->table, "prerouting");
	if (r) {
		load_meta(r, NFT_META_IIF, b);
		match_u32(r, (uint32_t)jail->host_veth_index, b);
		set_own_mark(r, jail, true, b);
	}
	send_rule(b, r);

	/* Replies get it back before routing and reverse-path filtering look at them. */
	r = rule_new(jail->table, "prerouting");
	if (r) {
		match_ifname(r, NFT_META_IIFNAME, jail->uplink, b);
		match_ct_mark(r, jail, jail->mark, b);
		set_own_mark(r, jail, false, b);
	}
	send_rule(b, r);

	r = rule_new(jail->table, "postrouting");
	if (r) {
		match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
		match_ipv4(r, b);
		load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, b);	/* ip saddr */
		compare(r, NFT_CMP_EQ, &jail->jail_addr, sizeof(jail->jail_addr), b);
		add_expr(r, nftnl_expr_alloc("masq"), b);
	}
	send_rule(b, r);

	if (jail->has_ipv6) {
		uint8_t ipv6 = NFPROTO_IPV6;

		/* NAT66: the jail's ULA leaves as the uplink's address, as IPv4 does. */
		r = rule_new(jail->table, "postrouting");
		if (r) {
			match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
			load_meta(r, NFT_META_NFPROTO, b);
			compare(r, NFT_CMP_EQ, &ipv6, sizeof(ipv6), b);
			load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16, b);	/* ip6 saddr */
			compare(r, NFT_CMP_EQ, &jail->jail_addr6, sizeof(jail->jail_addr6), b);
			add_expr(r, nftnl_expr_alloc("masq"), b);
		}
		send_rule(b, r);
	}

	/* The jail's packets leave by the uplink... */
	r = rule_new(jail->table, "forward");
	if (r) {
		load_meta(r, NFT_META_IIF, b);
		match_u32(r, (uint32_t)jail->host_veth_index, b);
		match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
		count(r, b);
		verdict(r, NF_ACCEPT, b);
		comment(r, NFT_COUNTER_EGRESS, b);
	}
	send_rule(b, r);

	/* ...or nowhere. */
	r = rule_new(jail->table, "forward");
	if (r) {
		load_meta(r, NFT_META_IIF, b);
		match_u32(r, (uint32_t)jail->host_veth_index, b);
		count(r, b);
		verdict(r, NF_DROP, b);
		comment(r, NFT_COUNTER_FAIL_CLOSED, b);
	}
	send_rule(b, r);

	/* Nothing opens a connection into the jail but through a published port. */
	r = rule_new(jail->table, "forward");
	if (r) {
		uint32_t dnat = IPS_DST_NAT;

		load_meta(r, NFT_META_OIF, b);
		match_u32(r, (uint32_t)jail->host_veth_index, b);
		load_ct(r, NFT_CT_STATUS, b);
		mask_xor(r, dnat, 0, b);
		match_u32(r, dnat, b);
		verdict(r, NF_ACCEPT, b);
	}
	send_rule(b, r);
	for (size_t i = 0; i < jail->publish_count; i++)
		add_publish_rules(b, jail, &jail->publish[i]);

	r = rule_new(jail->table, "forward");
	if (r) {
		load_meta(r, NFT_META_OIF, b);
		match_u32(r, (uint32_t)jail->host_veth_index, b);
		load_ct(r, NFT_CT_STATE, b);
		mask_xor(r, established, 0, b);
		match_u32(r, 0, b);
		count(r, b);
		verdict(r, NF_DROP, b);
		comment(r, NFT_COUNTER_INBOUND, b);
	}
	send_rule(b, r);

	if (!jail->guard_uplink)
		return;
	/* Forwarding is on for the uplink only for jails' replies: the host must not become
	 * a router for its neighbours. */
	r = rule_new(jail->table, "forward");
	if (r) {
		match_ifname(r, NFT_META_IIFNAME, jail->uplink, b);
		match_ct_mark(r, jail, 0, b);
		verdict(r, NF_DROP, b);
	}
	send_rule(b, r);
}

int nft_install_jail(struct nl *nl, const struct nft_jail *jail)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	struct batch b = { .nl = nl };
	struct nftnl_table *table;
	uint32_t first_seq;

	memset(buf, 0, sizeof(buf));	/* padding between attributes is sent as it is */
	b.msgs = mnl_nlmsg_batch_start(buf, sizeof(buf));
	table = nftnl_table_alloc();
	if (!b.msgs || !table) {
		nftnl_table_free(table);
		if (b.msgs)
			mnl_nlmsg_batch_stop(b.msgs);
		return -ENOMEM;
	}
	nftnl_batch_begin(mnl_nlmsg_batch_current(b.msgs), nl->seq++);
	mnl_nlmsg_batch_next(b.msgs);
	first_seq = nl->seq;

	nftnl_table_set_str(table, NFTNL_TABLE_NAME, jail->table);
	nftnl_table_set_u32(table, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	send_object(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, build_table, table);
	nftnl_table_free(table);

	add_chain(&b, jail->table, "prerouting", "filter", NF_INET_PRE_ROUTING, -150);
	add_chain(&b, jail->table, "postrouting", "nat", NF_INET_POST_ROUTING, 100);
	add_chain(&b, jail->table, "forward", "filter", NF_INET_FORWARD, 0);
	if (jail->publish_count) {
		add_chain(&b, jail->table, "dstnat", "nat", NF_INET_PRE_ROUTING, -100);
		add_chain(&b, jail->table, "output", "nat", NF_INET_LOCAL_OUT, -100);
	}
	add_rules(&b, jail);

	nftnl_batch_end(mnl_nlmsg_batch_current(b.msgs), nl->seq++);
	mnl_nlmsg_batch_next(b.msgs);
	if (!b.err && mnl_socket_sendto(nl->sock, mnl_nlmsg_batch_head(b.msgs),
					mnl_nlmsg_batch_size(b.msgs)) < 0)
		b.err = -errno;
	mnl_nlmsg_batch_stop(b.msgs);
	if (b.err)
		return b.err;
	return nl_read_acks(nl, first_seq, b.objects);
}
