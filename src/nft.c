/* nft.c - the per-jail nftables table, built with libnftnl and sent as one batch.
 *
 * table inet netjail<N> (owned by netjail's netlink socket) {
 *   chain postrouting { type nat hook postrouting priority srcnat + 201;
 *     oifname <uplink> ip saddr <jail> snat ip to <uplink's address> }
 *                                    (after hostnat.c's chain; nftnat.c, with chain stale)
 *   chain leave { type filter hook postrouting priority srcnat + 202;
 *     oifname <uplink> ct mark & MASK == M fib saddr type != local counter drop
 *                                                        comment "fail-closed" }
 *   chain forward { type filter hook forward priority filter;
 *     iif <host veth> oifname <uplink> jump stale        (nftnat.c)
 *     iif <host veth> oifname <uplink> [meta nfproto ipv4: a jail without IPv6]
 *       ct mark set ct mark & ~MASK | M counter accept
 *                                                        comment "egress"
 *     iif <host veth> counter drop                       comment "fail-closed"
 *     oif <host veth> ct status dnat accept
 *     oif <host veth> ct state != established,related counter drop   comment "inbound"
 *     [iifname <uplink> [oifname != <uplink>] meta nfproto ipv4|ipv6 ct mark & MASK == 0 drop]
 *                          (guard.c's rule; "oifname !=" on a bridge uplink, guard.c says why) }
 *   chain from_host { type filter hook output priority filter;
 *     oif != <host veth> accept
 *     ct state established,related accept
 *     ct status dnat accept
 *     ct state untracked meta l4proto ipv6-icmp accept        (neighbour discovery)
 *     counter drop                                       comment "inbound" }
 *   chain to_host { type filter hook input priority filter;
 *     iifname <uplink> ct state invalid,new tcp flags & (fin|syn|rst|ack) != syn drop
 *                                           (a connection masquerade forgot, see seal.c)
 *     (the rest not with --allow-host:)
 *     iif != <host veth> accept
 *     ct state established,related accept
 *     ct state untracked meta l4proto ipv6-icmp accept        (neighbour discovery)
 *     counter drop                                       comment "to-host" }
 *   chain dstnat, chain output: -P's DNAT (with the jail's ct mark), of packets to the
 *     host's own addresses only: [ip daddr ADDR] fib daddr type local }
 * }
 * and, if no jail has made it yet, seal.c's table, which outlives this one.  Where the kernel
 * has flowtables, fastpath.c adds its flowtable and chains to the table afterwards, in a
 * transaction of its own.
 * "fail-closed" is the kill switch that does not depend on routing: whatever the rules and
 * tables say (another tool flushed them, the uplink vanished and the main table's default
 * route would take over), a packet from the jail is forwarded to the uplink or nowhere.
 * The comments name the counters that netjail --list reads (nft_read_counters).
 * "inbound" (both) is the other way: nothing opens a connection into the jail, from the
 * uplink, another jail or the host itself, but to a published port (see add_from_host_rules).
 * "to-host" keeps the jail out of the host's own services, on every address the host has
 * (see add_to_host_rules): a packet from the jail to one of them is delivered, not
 * forwarded, so the forward chain's kill switch never sees it.
 * There is no prerouting chain, on purpose: every packet the host receives, its own
 * included, would go past one such chain per jail.  from_host does see every packet the
 * host sends, and lets what is not for the jail's link go at its first comparison.
 * Routing needs no packet mark (the rules match the jail's link and the jail's subnet, see
 * hostnet.c), so the mark lives on the jail's connections only (ct mark), where the uplink
 * guard reads it; the forward chain, which the host's own traffic never enters, sets it.
 * Bits of the ct mark outside MASK belong to other tools and are kept.  The uplink is
 * matched by name so the rules keep working if the interface is re-created.
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

#include "hostnat.h"
#include "guard.h"
#include "nft.h"
#include "nftbatch.h"
#include "seal.h"

#define CT_STATE_BIT(state) (1u << ((state) + 1))

/* ["ip daddr ADDR"] "fib daddr type local": only connections to this host's own addresses
 * are published, never traffic passing through it.  The fib check stays with ADDR too:
 * ADDR was the host's when the jail started (publish_check_address), but it may be removed
 * while the jail runs, and then packets to it are someone else's, routed through the host. */
static void match_published_daddr(struct nftnl_rule *r, const struct publish *p, struct nft_batch *b)
{
	struct nftnl_expr *e;

	nftb_match_ipv4(r, b);
	if (p->has_addr) {
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, b);
		nftb_compare(r, NFT_CMP_EQ, &p->addr, sizeof(p->addr), b);
	}
	e = nftnl_expr_alloc("fib");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	nftb_add_expr(r, e, b);
	nftb_match_u32(r, RTN_LOCAL, b);
}

/* "meta l4proto P th dport HOST_PORT" */
static void match_published_port(struct nftnl_rule *r, const struct publish *p, struct nft_batch *b)
{
	uint16_t port = htons(p->host_port);

	nftb_load_meta(r, NFT_META_L4PROTO, b);
	nftb_compare(r, NFT_CMP_EQ, &p->proto, sizeof(p->proto), b);
	nftb_load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, b);
	nftb_compare(r, NFT_CMP_EQ, &port, sizeof(port), b);
}

/* "dnat ip to JAIL:JAIL_PORT" */
static void dnat_to_jail(struct nftnl_rule *r, const struct nft_jail *jail, const struct publish *p,
			 struct nft_batch *b)
{
	uint16_t port = htons(p->jail_port);

	nftb_load_immediate(r, NFT_REG_1, &jail->jail_addr, sizeof(jail->jail_addr), b);
	nftb_load_immediate(r, NFT_REG_2, &port, sizeof(port), b);
	nftb_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, true, b);
}

/* ct mark := (old & ~MASK) | M: our bits set, everyone else's kept. */
static void set_own_ct_mark(struct nftnl_rule *r, const struct nft_jail *jail, struct nft_batch *b)
{
	nftb_load_ct(r, NFT_CT_MARK, b);
	nftb_mask_xor(r, ~jail->mark_mask, jail->mark, b);
	nftb_store_ct(r, NFT_CT_MARK, b);
}

static void match_ct_mark(struct nftnl_rule *r, const struct nft_jail *jail, uint32_t value,
			  struct nft_batch *b)
{
	nftb_load_ct(r, NFT_CT_MARK, b);
	nftb_mask_xor(r, jail->mark_mask, 0, b);
	nftb_match_u32(r, value, b);
}

/* A published port: DNATed from the uplink and from the host itself.  No mark is needed:
 * replies come from the jail's link, so its rules route them; and the kernel checks the
 * reverse path of a forwarded packet as if it came in by its way out (flowi4_iif = the
 * jail's link), which the same "iif" rule answers with the uplink, so strict rp_filter
 * passes. */
static void add_publish_rules(struct nft_batch *b, const struct nft_jail *jail, const struct publish *p)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, "dstnat");
	uint32_t net8 = htonl(0xff000000u), loopback = htonl(0x7f000000u);

	/* The connection carries the jail's mark, so the uplink guards let it through. */
	if (r) {
		nftb_match_ifname(r, NFT_META_IIFNAME, jail->uplink, b);
		match_published_daddr(r, p, b);
		match_published_port(r, p, b);
		set_own_ct_mark(r, jail, b);
		dnat_to_jail(r, jail, p, b);
	}
	nftb_send_rule(b, r);

	/* From the host itself, but not to 127.0.0.0/8: a loopback source cannot be routed to
	 * the jail (the host's own address works). */
	r = nftb_rule_new(jail->table, "output");
	if (r) {
		match_published_daddr(r, p, b);
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, b);
		nftb_mask_xor(r, net8, 0, b);
		nftb_compare(r, NFT_CMP_NEQ, &loopback, sizeof(loopback), b);
		match_published_port(r, p, b);
		dnat_to_jail(r, jail, p, b);
	}
	nftb_send_rule(b, r);
}

static void add_guard_rule(struct nft_batch *b, const struct nft_jail *jail, uint8_t nfproto)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, "forward");

	if (r) {
		guard_match_uplink(r, jail->uplink, jail->uplink_bridge, b);
		nftb_load_meta(r, NFT_META_NFPROTO, b);
		nftb_compare(r, NFT_CMP_EQ, &nfproto, sizeof(nfproto), b);
		match_ct_mark(r, jail, 0, b);
		nftb_verdict(r, NF_DROP, b);
	}
	nftb_send_rule(b, r);
}

/* "ct state & STATES != 0" */
static void match_ct_state(struct nftnl_rule *r, uint32_t states, struct nft_batch *b)
{
	uint32_t none = 0;

	nftb_load_ct(r, NFT_CT_STATE, b);
	nftb_mask_xor(r, states, 0, b);
	nftb_compare(r, NFT_CMP_NEQ, &none, sizeof(none), b);
}

static void match_dnat(struct nftnl_rule *r, struct nft_batch *b)
{
	uint32_t dnat = IPS_DST_NAT;

	nftb_load_ct(r, NFT_CT_STATUS, b);
	nftb_mask_xor(r, dnat, 0, b);
	nftb_match_u32(r, dnat, b);
}

/* One chain that guards the jail's link on one side of the host, @link_key (NFT_META_OIF
 * or NFT_META_IIF) naming the side: what is not on the jail's link goes at its first
 * comparison; on it, only replies and related ICMP, published ports if @published, and the
 * untracked ICMPv6 of neighbour discovery get through; the rest is counted as @counter
 * and dropped. */
static void add_link_guard(struct nft_batch *b, const struct nft_jail *jail, const char *chain,
			   uint32_t link_key, bool published, const char *counter)
{
	uint32_t established = CT_STATE_BIT(IP_CT_ESTABLISHED) | CT_STATE_BIT(IP_CT_RELATED);
	uint32_t index = (uint32_t)jail->host_veth_index;
	uint8_t icmpv6 = IPPROTO_ICMPV6;
	struct nftnl_rule *r;

	r = nftb_rule_new(jail->table, chain);
	if (r) {
		nftb_load_meta(r, link_key, b);
		nftb_compare(r, NFT_CMP_NEQ, &index, sizeof(index), b);
		nftb_verdict(r, NF_ACCEPT, b);
	}
	nftb_send_rule(b, r);

	r = nftb_rule_new(jail->table, chain);
	if (r) {
		match_ct_state(r, established, b);
		nftb_verdict(r, NF_ACCEPT, b);
	}
	nftb_send_rule(b, r);

	if (published) {
		r = nftb_rule_new(jail->table, chain);
		if (r) {
			match_dnat(r, b);
			nftb_verdict(r, NF_ACCEPT, b);
		}
		nftb_send_rule(b, r);
	}

	r = nftb_rule_new(jail->table, chain);
	if (r) {
		match_ct_state(r, NF_CT_STATE_UNTRACKED_BIT, b);
		nftb_load_meta(r, NFT_META_L4PROTO, b);
		nftb_compare(r, NFT_CMP_EQ, &icmpv6, sizeof(icmpv6), b);
		nftb_verdict(r, NF_ACCEPT, b);
	}
	nftb_send_rule(b, r);

	r = nftb_rule_new(jail->table, chain);
	if (r) {
		nftb_drop_counted(r, counter, b);
	}
	nftb_send_rule(b, r);
}

/* What the host itself sends to the jail's link: the output hook, which the forward chain's
 * "inbound" never sees.  Whichever address it names (the jail's, the /30's broadcast, a
 * multicast group on the link), only replies and published ports get in.  The host's ICMP
 * errors about the jail's packets are "related", even about one it would not forward.  Its
 * neighbour discovery and MLD with the jail are ICMPv6 that conntrack leaves untracked;
 * only the kernel and holders of CAP_NET_RAW send those types.  The output hook's oif is
 * the packet's first route, before a NAT chain re-routes it: the host's own connection to
 * a published port (first routed to lo) passes here, and is DNATed anyway. */
static void add_from_host_rules(struct nft_batch *b, const struct nft_jail *jail)
{
	add_link_guard(b, jail, "from_host", NFT_META_OIF, true, NFT_COUNTER_INBOUND);
}

/* What the jail sends to the host itself: the input hook, which the forward chain never
 * sees.  Whichever of the host's addresses it names (the uplink's, another interface's,
 * the host end of its veth, a broadcast or multicast group the host listens to), only
 * replies get in: to the host's connections to a published port, and ICMP errors about
 * the host's packets ("related").  The jail cannot open one itself: no DNS either, as
 * its nameservers are never on the host (dnsfind.c).  Its neighbour discovery with the
 * host's end of the link is ICMPv6 that conntrack leaves untracked, which IPv6 needs to
 * reach its next hop. */
static void add_to_host_rules(struct nft_batch *b, const struct nft_jail *jail)
{
	add_link_guard(b, jail, "to_host", NFT_META_IIF, false, NFT_COUNTER_TO_HOST);
}

/* What leaves by the uplink as the jail's (its connections and the replies of its published
 * ports) leaves with one of the host's addresses, or not at all: that holds even before
 * the supervisor has followed an address that went (nftnat.c), and while it is stopped.
 * "fib saddr type local": any of the host's addresses, not only the uplink's, as a reply
 * from a published port leaves with the address it was sent to. */
static void add_leave_rule(struct nft_batch *b, const struct nft_jail *jail)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, "leave");

	if (r) {
		nftb_match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
		match_ct_mark(r, jail, jail->mark, b);
		nftb_match_saddr_not_local(r, false, b);
		nftb_drop_counted(r, NFT_COUNTER_FAIL_CLOSED, b);
	}
	nftb_send_rule(b, r);
}

/* The seal's (seal.c) "no connection" and "lost connection" for the uplink, here too, where
 * `nft flush ruleset` does not reach: a jail's connection that masquerade forgot must not
 * reach the host's stack, which would answer its peer with a RST from the uplink's
 * address.  First in to_host, where the host's other links cost one comparison. */
static void add_lost_connection_rule(struct nft_batch *b, const struct nft_jail *jail)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, "to_host");

	if (r) {
		nftb_match_ifname(r, NFT_META_IIFNAME, jail->uplink, b);
		seal_match_lost_tcp(r, NF_CT_STATE_INVALID_BIT | NF_CT_STATE_BIT(IP_CT_NEW), b);
		nftb_verdict(r, NF_DROP, b);
	}
	nftb_send_rule(b, r);
}

static void add_rules(struct nft_batch *b, const struct nft_jail *jail)
{
	uint32_t established = CT_STATE_BIT(IP_CT_ESTABLISHED) | CT_STATE_BIT(IP_CT_RELATED);
	struct nftnl_rule *r;

	nft_queue_nat(b, jail);
	add_leave_rule(b, jail);

	/* Its connections NATed to an address the uplink lost end here (nftnat.c)... */
	r = nftb_rule_new(jail->table, "forward");
	if (r) {
		nftb_load_meta(r, NFT_META_IIF, b);
		nftb_match_u32(r, (uint32_t)jail->host_veth_index, b);
		nftb_match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
		nftb_jump(r, NFT_STALE_CHAIN, b);
	}
	nftb_send_rule(b, r);

	/* ...the others leave by the uplink, their connection marked as the jail's (IPv4
	 * only, for a jail without IPv6: a host that forwards IPv6 on its own must not carry
	 * what a jail made up, e.g. with the uplink's own address as its source)... */
	r = nftb_rule_new(jail->table, "forward");
	if (r) {
		nftb_load_meta(r, NFT_META_IIF, b);
		nftb_match_u32(r, (uint32_t)jail->host_veth_index, b);
		nftb_match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
		if (!jail->has_ipv6)
			nftb_match_ipv4(r, b);
		set_own_ct_mark(r, jail, b);
		nftb_count(r, b);
		nftb_verdict(r, NF_ACCEPT, b);
		nftb_comment(r, NFT_COUNTER_EGRESS, b);
	}
	nftb_send_rule(b, r);

	/* ...or nowhere. */
	r = nftb_rule_new(jail->table, "forward");
	if (r) {
		nftb_load_meta(r, NFT_META_IIF, b);
		nftb_match_u32(r, (uint32_t)jail->host_veth_index, b);
		nftb_drop_counted(r, NFT_COUNTER_FAIL_CLOSED, b);
	}
	nftb_send_rule(b, r);

	/* Nothing opens a connection into the jail but through a published port (the host's
	 * own packets to the jail are judged in from_host). */
	r = nftb_rule_new(jail->table, "forward");
	if (r) {
		nftb_load_meta(r, NFT_META_OIF, b);
		nftb_match_u32(r, (uint32_t)jail->host_veth_index, b);
		match_dnat(r, b);
		nftb_verdict(r, NF_ACCEPT, b);
	}
	nftb_send_rule(b, r);
	for (size_t i = 0; i < jail->publish_count; i++)
		add_publish_rules(b, jail, &jail->publish[i]);

	r = nftb_rule_new(jail->table, "forward");
	if (r) {
		nftb_load_meta(r, NFT_META_OIF, b);
		nftb_match_u32(r, (uint32_t)jail->host_veth_index, b);
		nftb_load_ct(r, NFT_CT_STATE, b);
		nftb_mask_xor(r, established, 0, b);
		nftb_match_u32(r, 0, b);
		nftb_drop_counted(r, NFT_COUNTER_INBOUND, b);
	}
	nftb_send_rule(b, r);
	add_from_host_rules(b, jail);
	add_lost_connection_rule(b, jail);
	if (!jail->allow_host)
		add_to_host_rules(b, jail);

	/* Where netjail turned forwarding on for the uplink, it is on for jails' connections
	 * only: the host must not become a router for its neighbours.  Per family, so that a
	 * host that routes IPv4 itself keeps doing so. */
	if (jail->guard_ipv4)
		add_guard_rule(b, jail, NFPROTO_IPV4);
	if (jail->guard_ipv6)
		add_guard_rule(b, jail, NFPROTO_IPV6);
}

int nft_install_jail(struct nl *nl, const struct nft_jail *jail)
{
	struct nft_batch b;

	if (nftb_start(&b, nl))
		return -ENOMEM;
	if (jail->with_hostnat)
		hostnat_queue(&b);
	/* Asked here, under the state lock as the shortcut is: no other jail makes it meanwhile. */
	if (seal_present(nl) == 0)
		seal_queue(&b, jail->mark_mask);
	nftb_add_table(&b, jail->table, NFT_TABLE_F_OWNER, NLM_F_CREATE | NLM_F_EXCL);
	nftb_add_chain(&b, jail->table, "postrouting", "nat", NF_INET_POST_ROUTING,
		       JAIL_NAT_PRIORITY);
	nftb_add_chain(&b, jail->table, "leave", "filter", NF_INET_POST_ROUTING,
		       JAIL_NAT_PRIORITY + 1);
	nftb_add_regular_chain(&b, jail->table, NFT_STALE_CHAIN);
	nftb_add_chain(&b, jail->table, "forward", "filter", NF_INET_FORWARD, 0);
	nftb_add_chain(&b, jail->table, "from_host", "filter", NF_INET_LOCAL_OUT, 0);
	nftb_add_chain(&b, jail->table, "to_host", "filter", NF_INET_LOCAL_IN, 0);
	if (jail->publish_count) {
		nftb_add_chain(&b, jail->table, "dstnat", "nat", NF_INET_PRE_ROUTING, -100);
		nftb_add_chain(&b, jail->table, "output", "nat", NF_INET_LOCAL_OUT, -100);
	}
	add_rules(&b, jail);
	return nftb_commit(&b);
}
