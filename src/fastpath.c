/* fastpath.c - the jail's flowtable: its established connections forwarded at the links'
 * ingress, past the forward and postrouting hooks.
 *
 *   table inet netjail<N> {             (nft.c's table; this part in a transaction of its own)
 *     flowtable ft { hook ingress priority 0; devices = { <host veth>, <uplink> } }
 *     chain fastpath { type filter hook forward priority 500;
 *       iif <host veth> oifname <uplink> meta nfproto ipv4 ct reply ip daddr <NAT address>
 *         ct status assured ct label != 127 ct label set 127 flow add @ft
 *       [the same for ip6] }
 *     chain offload_all { type filter hook ingress device <host veth> priority -1;
 *       counter comment "offload-all" }
 *     chain offload_slow { type filter hook ingress device <host veth> priority 1;
 *       counter comment "offload-slow" }
 *   }
 *
 * Theory of operation.  A connection's first packets take the slow path: the jail's forward
 * chain (kill switch, "stale", mark), every other forward chain of the host (the seal's, the
 * host's firewall) and postrouting (NAT, "leave", the seal's check).  Once the kernel finds
 * it established (nft_flow_offload.c: TCP past its handshake, UDP once confirmed), "flow add"
 * hands it to the flowtable, and from then on its packets are forwarded at the ingress hook
 * of either link (nf_flow_table_ip.c), with the NAT conntrack chose for it, and skip every
 * hook after.  Priority 500: after every forward chain the host's tools use (filter, 0;
 * firewalld's, +10), so a flow is offloaded only once all of them let it through.
 * What still holds, and why:
 *   - the kill switch: a flow leaves only by the devices its route named when it was
 *     offloaded, and the kernel tears it down (its next packet takes the slow path) when
 *     either device goes down or away (nf_flow_table_cleanup on NETDEV_DOWN) and when its
 *     cached route goes stale, which any route or address change causes (nf_flow_dst_check:
 *     the route generation is bumped);
 *   - NAT to the uplink's address only: a connection is offloaded once, NATed to the address
 *     the supervisor chose (natsource.c), and never again once the kernel tore its flow down:
 *     when that address goes, the kernel tears the flow down (route generation), and the
 *     connection's later packets meet "stale" and "leave" on the slow path, as before.  Once,
 *     because the rule cannot ask whether the address is still the host's (fib looks at the
 *     packet, which is not NATed yet at forward) and its own copy of the address is only as
 *     fresh as the supervisor, which may be stopped: a torn-down flow offloaded again a
 *     second later (when the flowtable has freed it) would leave as the lost address.  The
 *     mark of "offloaded once" is conntrack label 127 (ct label; netjail's ct mark bits all
 *     name slots).  The price: a flow torn down by any route or address change on the host
 *     (each jail's start is one) stays on the slow path for the rest of its connection.
 *     The supervisor's rewrite of the NAT also replaces the flowtable in the same batch
 *     (fastpath_queue_reset), with the uplink as it is now (re-created, say).  Published
 *     ports (DNAT) stay on the slow path;
 *   - the counters --list shows: offloaded packets skip the "egress" rule, so the packets
 *     from the jail are counted at its link's ingress before the flowtable and after it: the
 *     difference is what the flowtable forwarded, which is egress too (its flows go from the
 *     jail's link to the uplink only).  Drops happen on the slow path only.
 * A kernel without nf_flow_table (or its inet ingress chains) refuses the transaction and
 * nothing of it stays: the jail runs on the slow path, as before, and says so with -v.  Its
 * own transaction, after the jail's table, so that a refusal here never fails the jail.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_tables.h>

#include "fastpath.h"

#define FLOWTABLE "ft"
#define OFFLOAD_CHAIN "fastpath"
#define OFFLOAD_PRIORITY 500
/* ct label 127: bit 31 of the labels' fourth 32-bit word (nf_connlabels_replace). */
#define LABEL_WORDS 4
static const uint32_t offloaded_once[LABEL_WORDS] = { 0, 0, 0, 0x80000000u };

static void build_flowtable(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_flowtable_nlmsg_build_payload(nlh, (struct nftnl_flowtable *)obj);
}

static void build_chain(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_chain_nlmsg_build_payload(nlh, (struct nftnl_chain *)obj);
}

/* "flowtable ft { hook ingress priority 0; devices = { veth, uplink } }", or its deletion
 * (@type NFT_MSG_DELFLOWTABLE, by name). */
static void send_flowtable(struct nft_batch *b, const struct nft_jail *jail, uint16_t type)
{
	const char *devices[] = { jail->host_veth, jail->uplink, NULL };
	struct nftnl_flowtable *ft = nftnl_flowtable_alloc();

	if (!ft) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_flowtable_set_str(ft, NFTNL_FLOWTABLE_TABLE, jail->table);
	nftnl_flowtable_set_str(ft, NFTNL_FLOWTABLE_NAME, FLOWTABLE);
	if (type == NFT_MSG_NEWFLOWTABLE) {
		nftnl_flowtable_set_u32(ft, NFTNL_FLOWTABLE_HOOKNUM, NF_NETDEV_INGRESS);
		nftnl_flowtable_set_u32(ft, NFTNL_FLOWTABLE_PRIO, 0);
		if (nftnl_flowtable_set_array(ft, NFTNL_FLOWTABLE_DEVICES, devices) < 0)
			b->err = -ENOMEM;
	}
	nftb_send_object(b, type, type == NFT_MSG_NEWFLOWTABLE ? NLM_F_CREATE : 0,
			 build_flowtable, ft);
	nftnl_flowtable_free(ft);
}

/* "chain NAME { type filter hook ingress device <host veth> priority P; counter comment C }" */
static void add_ingress_counter(struct nft_batch *b, const struct nft_jail *jail, const char *name,
				int32_t priority, const char *comment)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();
	struct nftnl_rule *r;

	if (!chain) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, jail->table);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, NF_INET_INGRESS);
	nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, priority);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_DEV, jail->host_veth);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nftb_send_object(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, build_chain, chain);
	nftnl_chain_free(chain);

	r = nftb_rule_new(jail->table, name);
	if (r) {
		nftb_count(r, b);
		nftb_comment(r, comment, b);
	}
	nftb_send_rule(b, r);
}

/* "ct label & 127 == 0 ct label set 127" (set ORs: nft_ct's set replaces the bits of its
 * value only). */
static void label_once(struct nftnl_rule *r, struct nft_batch *b)
{
	static const uint32_t none[LABEL_WORDS];
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	nftb_load_ct(r, NFT_CT_LABELS, b);
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(offloaded_once));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, offloaded_once, sizeof(offloaded_once));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, none, sizeof(none));
	}
	nftb_add_expr(r, e, b);
	nftb_compare(r, NFT_CMP_EQ, none, sizeof(none), b);
	nftb_load_immediate(r, NFT_REG_1, offloaded_once, sizeof(offloaded_once), b);
	nftb_store_ct(r, NFT_CT_LABELS, b);
}

/* iif <host veth> oifname <uplink> meta nfproto F ct reply F daddr ADDR ct status assured
 * <once> flow add @ft.  "assured" before the label: flow add itself waits for an established
 * TCP connection (nft_flow_offload_eval), and the label must not be spent before. */
static void add_offload_rule(struct nft_batch *b, const struct nft_jail *jail, uint8_t nfproto,
			     uint32_t ct_key, const void *address, uint32_t len)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, OFFLOAD_CHAIN);
	struct nftnl_expr *ct = nftnl_expr_alloc("ct"), *flow = nftnl_expr_alloc("flow_offload");

	if (ct) {
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, ct_key);
		nftnl_expr_set_u8(ct, NFTNL_EXPR_CT_DIR, IP_CT_DIR_REPLY);
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	if (flow)
		nftnl_expr_set_str(flow, NFTNL_EXPR_FLOW_TABLE_NAME, FLOWTABLE);
	if (!r) {
		nftnl_expr_free(ct);
		nftnl_expr_free(flow);
		b->err = -ENOMEM;
		return;
	}
	nftb_load_meta(r, NFT_META_IIF, b);
	nftb_match_u32(r, (uint32_t)jail->host_veth_index, b);
	nftb_match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
	nftb_load_meta(r, NFT_META_NFPROTO, b);
	nftb_compare(r, NFT_CMP_EQ, &nfproto, sizeof(nfproto), b);
	nftb_add_expr(r, ct, b);
	nftb_compare(r, NFT_CMP_EQ, address, len, b);
	nftb_load_ct(r, NFT_CT_STATUS, b);
	nftb_mask_xor(r, IPS_ASSURED, 0, b);
	nftb_match_u32(r, IPS_ASSURED, b);
	label_once(r, b);
	nftb_add_expr(r, flow, b);
	nftb_send_rule(b, r);
}

/* No address to NAT to: no rule, nothing offloaded. */
static void add_offload_rules(struct nft_batch *b, const struct nft_jail *jail)
{
	if (jail->src.has_ipv4)
		add_offload_rule(b, jail, NFPROTO_IPV4, NFT_CT_DST_IP, &jail->src.ipv4,
				 sizeof(jail->src.ipv4));
	if (jail->has_ipv6 && jail->src.has_ipv6)
		add_offload_rule(b, jail, NFPROTO_IPV6, NFT_CT_DST_IP6, &jail->src.ipv6,
				 sizeof(jail->src.ipv6));
}

int fastpath_install(struct nl *nl, const struct nft_jail *jail)
{
	struct nft_batch b;

	if (nftb_start(&b, nl))
		return -ENOMEM;
	send_flowtable(&b, jail, NFT_MSG_NEWFLOWTABLE);
	nftb_add_chain(&b, jail->table, OFFLOAD_CHAIN, "filter", NF_INET_FORWARD, OFFLOAD_PRIORITY);
	add_offload_rules(&b, jail);
	add_ingress_counter(&b, jail, "offload_all", -1, FASTPATH_COUNTER_ALL);
	add_ingress_counter(&b, jail, "offload_slow", 1, FASTPATH_COUNTER_SLOW);
	return nftb_commit(&b);
}

void fastpath_queue_reset(struct nft_batch *b, const struct nft_jail *jail)
{
	/* The rules first: a flowtable that a rule names cannot be deleted (EBUSY). */
	nftb_flush_chain(b, jail->table, OFFLOAD_CHAIN);
	send_flowtable(b, jail, NFT_MSG_DELFLOWTABLE);
	send_flowtable(b, jail, NFT_MSG_NEWFLOWTABLE);
	add_offload_rules(b, jail);
}
