/* seal.c - what holds a jail's connections in when its own table does not.
 *
 *   table inet netjail_seal {             (no socket owns it)
 *     chain postrouting { type filter hook postrouting priority 500;
 *       iifname "nj*" oifname != "nj*" ct status dnat accept
 *       iifname "nj*" oifname != "nj*" fib saddr . oif type != local counter drop
 *         comment "not NATed" }
 *     chain forward { type filter hook forward priority filter;
 *       iifname != "nj*" oifname != "nj*" ct mark & MASK != 0 counter drop
 *         comment "past its jail" }
 *     chain input { type filter hook input priority filter;
 *       iifname != "nj*" iifname != "lo" ct state invalid counter drop
 *         comment "no connection"
 *       iifname != "nj*" iifname != "lo" ct state new tcp flags & (fin|syn|rst|ack) != syn
 *         counter drop comment "lost connection" }
 *     chain output { type filter hook output priority filter;
 *       oifname != "nj*" ct mark & MASK != 0 counter drop comment "about a jail's" }
 *   }
 *
 * A jail's table (nft.c) masquerades and marks its connections and drops what would go
 * elsewhere, but it dies with netjail's socket, before the jailed command is killed, and
 * what the command started lives on in the jail (only the command has PDEATHSIG), with the
 * jail's link and routes there until the next cleanup.  And conntrack itself forgets the
 * NAT of live connections: masquerade deletes every connection it mapped on an uplink
 * when the uplink goes down or loses its address (nf_nat_masquerade.c), so a short flap
 * leaves the jail and its peer talking through no NAT at all.  Seen in the lab before
 * this table existed (tests/t-chaos.sh):
 *   - a jail whose netjail was killed opened connections that left by the uplink with
 *     the jail's private address; so would its last FIN or RST after a flap (conntrack
 *     finds it invalid: no connection, no NAT; the jail's own table drops it while it is
 *     there, as its egress rule needs the connection's mark);
 *   - the peer's next segment after a flap opened a new connection to the host itself
 *     (nf_conntrack_tcp_loose), which the host's stack answered with a RST from the
 *     uplink's address, for a port only the jail had used;
 *   - the peer's packets to a jail that is gone were un-NATed still and routed by the
 *     main table, back out by the uplink with the jail's address as destination.
 * So, whatever a jail's table says or whether it is there:
 *   - postrouting, after every NAT chain (the kernel rewrites at srcnat, 100): a packet from
 *     a jail's link leaves by another link only with a source address of that link, i.e.
 *     NATed there (or as the reply of a published port, DNATed: its source is the address
 *     its peer called).  Not the pool's addresses but the out link's own: a connection
 *     masqueraded on one uplink and routed out by another (a VPN's catch-all added after
 *     its jail's table went) does not leave either;
 *   - forward: a jail's connection (its mark) goes between a jail's link and another link,
 *     never from one uplink to another, as a gone jail's would;
 *   - input, on any link but a jail's and lo: nothing that belongs to no connection
 *     (invalid), and no connection picked up in its middle (a TCP segment without SYN
 *     opening one).  The host's own connections open with SYN and stay tracked; one whose
 *     entry was deleted (`conntrack -F`) is picked up again by the host's own next segment;
 *   - output: nothing the host makes about a jail's connection (an ICMP error, related to
 *     it, carries its mark) leaves but into a jail.
 * A connection cut by a flap then hangs on the jail's side until its program gives up,
 * instead of being reset by the host, or goes on if the jail sends first (conntrack picks
 * it up from the jail, and masquerade maps it again).
 *
 * Owned by no socket, so that it outlives a netjail killed with SIGKILL.  Each jail's own
 * table, which `nft flush ruleset` does not remove, also drops the TCP segments that belong
 * to no connection or would open one in its middle on its uplink (nft.c): the seal is
 * briefly gone after a flush, and the peers of connections it keeps hanging retransmit.  Made and removed
 * as the host's NAT shortcut is (hostnat.c): by the first jail that finds it missing, in
 * the same batch as its own table, and by the last jail out or --cleanup, under the state
 * lock.  `nft flush ruleset` removes it too (not the jails' own tables, which their
 * sockets own); a running jail's supervisor puts it back when it next hears of a change to
 * its uplink (keeper.c), which is before a flap or a lost address can make masquerade
 * forget a connection, and a new jail's setup does.  No lock is needed for that: while
 * the jail runs, its slot keeps the last jail out from removing the table.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would bring linux/in.h */
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <string.h>

#include "pool.h"
#include "seal.h"

#define SEAL_TABLE "netjail_seal"
/* After every NAT chain: the kernel rewrites addresses in its one hook at srcnat (100),
 * whatever the priorities of the NAT chains it calls from there. */
#define SEAL_POSTROUTING_PRIORITY 500

#define TCP_FLAGS_OFFSET 13
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* "iifname|oifname ==|!= nj*": a jail's link, by the prefix of its name. */
static void match_jail_link(struct nftnl_rule *r, uint32_t key, uint32_t op, struct nft_batch *b)
{
	nftb_load_meta(r, key, b);
	nftb_compare(r, op, JAIL_VETH_PREFIX, strlen(JAIL_VETH_PREFIX), b);
}

static void match_not_lo(struct nftnl_rule *r, struct nft_batch *b)
{
	nftb_match_ifname_not(r, NFT_META_IIFNAME, "lo", b);
}

/* "ct mark & MASK != 0": one of the jails' connections. */
static void match_jails_mark(struct nftnl_rule *r, uint32_t mark_mask, struct nft_batch *b)
{
	uint32_t none = 0;

	nftb_load_ct(r, NFT_CT_MARK, b);
	nftb_mask_xor(r, mark_mask, 0, b);
	nftb_compare(r, NFT_CMP_NEQ, &none, sizeof(none), b);
}

/* "ct state & STATES != 0" */
static void match_ct_state(struct nftnl_rule *r, uint32_t states, struct nft_batch *b)
{
	uint32_t none = 0;

	nftb_load_ct(r, NFT_CT_STATE, b);
	nftb_mask_xor(r, states, 0, b);
	nftb_compare(r, NFT_CMP_NEQ, &none, sizeof(none), b);
}

static void queue_postrouting(struct nft_batch *b)
{
	uint32_t dnat = IPS_DST_NAT;
	struct nftnl_rule *r = nftb_rule_new(SEAL_TABLE, "postrouting");

	if (r) {
		match_jail_link(r, NFT_META_IIFNAME, NFT_CMP_EQ, b);
		match_jail_link(r, NFT_META_OIFNAME, NFT_CMP_NEQ, b);
		nftb_load_ct(r, NFT_CT_STATUS, b);
		nftb_mask_xor(r, dnat, 0, b);
		nftb_match_u32(r, dnat, b);
		nftb_verdict(r, NF_ACCEPT, b);
	}
	nftb_send_rule(b, r);

	r = nftb_rule_new(SEAL_TABLE, "postrouting");
	if (r) {
		match_jail_link(r, NFT_META_IIFNAME, NFT_CMP_EQ, b);
		match_jail_link(r, NFT_META_OIFNAME, NFT_CMP_NEQ, b);
		/* The type of the source address on the out link alone: local only if it is
		 * that link's (inet_dev_addr_type, ipv6_chk_addr). */
		nftb_match_saddr_not_local(r, true, b);
		nftb_drop_counted(r, "not NATed", b);
	}
	nftb_send_rule(b, r);
}

static void queue_forward(struct nft_batch *b, uint32_t mark_mask)
{
	struct nftnl_rule *r = nftb_rule_new(SEAL_TABLE, "forward");

	if (r) {
		match_jail_link(r, NFT_META_IIFNAME, NFT_CMP_NEQ, b);
		match_jail_link(r, NFT_META_OIFNAME, NFT_CMP_NEQ, b);
		match_jails_mark(r, mark_mask, b);
		nftb_drop_counted(r, "past its jail", b);
	}
	nftb_send_rule(b, r);
}

void seal_match_lost_tcp(struct nftnl_rule *r, uint32_t states, struct nft_batch *b)
{
	const uint8_t flags[sizeof(uint32_t)] = { TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK };
	uint8_t tcp = IPPROTO_TCP, syn = TCP_SYN;
	uint32_t mask;

	/* The flags byte, in the register's first byte (the kernel zeroes the rest). */
	memcpy(&mask, flags, sizeof(mask));
	match_ct_state(r, states, b);
	nftb_load_meta(r, NFT_META_L4PROTO, b);
	nftb_compare(r, NFT_CMP_EQ, &tcp, sizeof(tcp), b);
	nftb_load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, TCP_FLAGS_OFFSET, 1, b);
	nftb_mask_xor(r, mask, 0, b);
	nftb_compare(r, NFT_CMP_NEQ, &syn, sizeof(syn), b);
}

static void queue_input(struct nft_batch *b)
{
	struct nftnl_rule *r = nftb_rule_new(SEAL_TABLE, "input");

	if (r) {
		match_jail_link(r, NFT_META_IIFNAME, NFT_CMP_NEQ, b);
		match_not_lo(r, b);
		match_ct_state(r, NF_CT_STATE_INVALID_BIT, b);
		nftb_drop_counted(r, "no connection", b);
	}
	nftb_send_rule(b, r);

	r = nftb_rule_new(SEAL_TABLE, "input");
	if (r) {
		match_jail_link(r, NFT_META_IIFNAME, NFT_CMP_NEQ, b);
		match_not_lo(r, b);
		seal_match_lost_tcp(r, NF_CT_STATE_BIT(IP_CT_NEW), b);
		nftb_drop_counted(r, "lost connection", b);
	}
	nftb_send_rule(b, r);
}

static void queue_output(struct nft_batch *b, uint32_t mark_mask)
{
	struct nftnl_rule *r = nftb_rule_new(SEAL_TABLE, "output");

	if (r) {
		match_jail_link(r, NFT_META_OIFNAME, NFT_CMP_NEQ, b);
		match_jails_mark(r, mark_mask, b);
		nftb_drop_counted(r, "about a jail's", b);
	}
	nftb_send_rule(b, r);
}

int seal_present(struct nl *nft)
{
	return nftb_table_present(nft, SEAL_TABLE);
}

static void queue_seal(struct nft_batch *b, uint32_t mark_mask, uint16_t table_flags)
{
	nftb_add_table(b, SEAL_TABLE, 0, table_flags);
	nftb_add_chain(b, SEAL_TABLE, "postrouting", "filter", NF_INET_POST_ROUTING,
		       SEAL_POSTROUTING_PRIORITY);
	nftb_add_chain(b, SEAL_TABLE, "forward", "filter", NF_INET_FORWARD, 0);
	nftb_add_chain(b, SEAL_TABLE, "input", "filter", NF_INET_LOCAL_IN, 0);
	nftb_add_chain(b, SEAL_TABLE, "output", "filter", NF_INET_LOCAL_OUT, 0);
	queue_postrouting(b);
	queue_forward(b, mark_mask);
	queue_input(b);
	queue_output(b, mark_mask);
}

void seal_queue(struct nft_batch *b, uint32_t mark_mask)
{
	queue_seal(b, mark_mask, NLM_F_CREATE);
}

int seal_keep(struct nl *nft, uint32_t mark_mask)
{
	struct nft_batch b;
	int err = seal_present(nft);

	if (err)
		return err < 0 ? err : 0;
	err = nftb_start(&b, nft);
	if (err)
		return err;
	/* Exclusive: another jail's supervisor that puts it back at the same moment makes it
	 * once, and this batch fails whole. */
	queue_seal(&b, mark_mask, NLM_F_CREATE | NLM_F_EXCL);
	err = nftb_commit(&b);
	return err == -EEXIST ? 0 : err ? err : 1;
}

void seal_queue_removal(struct nft_batch *b)
{
	nftb_delete_table(b, SEAL_TABLE);
}

int seal_remove(struct nl *nft)
{
	struct nft_batch b;
	int err = nftb_start(&b, nft);

	if (err)
		return err;
	seal_queue_removal(&b);
	err = nftb_commit(&b);
	return err == -ENOENT ? 0 : err;
}

/* Where a deletion event names its table: its first attribute (NFTA_TABLE_NAME,
 * NFTA_CHAIN_TABLE, NFTA_RULE_TABLE are all 1, and put first by the kernel), after the
 * netlink and nfnetlink headers. */
#define OFF_ATTR_TYPE (sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg) + 2)
#define OFF_TABLE_NAME (sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg) + 4)
#define NFT_EVENT(msg) htons((NFNL_SUBSYS_NFTABLES << 8) | (msg))
#define TABLE_ATTR 1

/* A socket filter that lets through deletions of nftables rules, chains and tables (the
 * kernel sends one message each, several in one datagram, and the filter sees the first)
 * but those of a jail's own table "netjail<N>": every jail's teardown deletes its table,
 * and no other supervisor is to wake for that.  `nft flush ruleset` deletes the shared
 * tables and every other tool's; it passes.  Loads of halves and words are in network
 * order, the header's fields in the host's: hence htons. */
static int attach_filter(struct nl *w)
{
	enum { ACCEPT = 15, DROP = 16 };
	struct sock_filter code[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_type)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NFT_EVENT(NFT_MSG_DELRULE), 3, 0),
		/* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NFT_EVENT(NFT_MSG_DELCHAIN), 2, 0),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NFT_EVENT(NFT_MSG_DELTABLE), 1, 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JA, DROP - 5, 0, 0),
		/* 5 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, OFF_ATTR_TYPE),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(TABLE_ATTR), 0, ACCEPT - 7),
		/* "netj" "ail" and a digit: a jail's own table */
		/* 7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_TABLE_NAME),
		/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x6e65746au, 0, ACCEPT - 9),
		/* 9 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_TABLE_NAME + 4),
		/* 10 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffffff00u),
		/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x61696c00u, 0, ACCEPT - 12),
		/* 12 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, OFF_TABLE_NAME + 7),
		/* 13 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, '0', 0, ACCEPT - 14),
		/* 14 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, '9', 0, DROP - 15),
		/* 15 */ BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		/* 16 */ BPF_STMT(BPF_RET | BPF_K, 0),
	};

	return nl_attach_filter(w, code, sizeof(code) / sizeof(code[0]));
}

int seal_watch_open(struct nl *w)
{
	unsigned group = NFNLGRP_NFTABLES;
	int err = nl_open(w, NETLINK_NETFILTER);

	if (!err)
		err = nl_subscribe(w, &group, 1);
	/* Without the filter, every nftables change wakes this supervisor: slower, not wrong. */
	if (!err)
		attach_filter(w);
	if (err && w->sock)
		nl_close(w);
	return err;
}

int seal_watch_keep(struct nl *w, struct nl *nft, uint32_t mark_mask)
{
	if (!w->sock || !nl_drain_events(w, 0))
		return 0;
	return seal_keep(nft, mark_mask);
}
