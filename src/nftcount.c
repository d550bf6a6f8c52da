/* nftcount.c - read a jail's nftables counters back, for netjail --list.
 *
 * The rules that count carry a comment (nft.c); a dump of the table's rules is matched by
 * comment, not by position, so a reordered or extended table still reads right.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would define in_addr */
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "fastpath.h"
#include "nft.h"
#include "nftbatch.h"

/* The first counter expression of @rule: 0 with its values, or -ENOENT. */
static int rule_counter(struct nftnl_rule *rule, uint64_t *packets, uint64_t *bytes)
{
	struct nftnl_expr_iter *iter = nftnl_expr_iter_create(rule);
	struct nftnl_expr *expr;
	int err = -ENOENT;

	if (!iter)
		return -ENOMEM;
	while (err && (expr = nftnl_expr_iter_next(iter))) {
		if (strcmp(nftnl_expr_get_str(expr, NFTNL_EXPR_NAME), "counter") != 0)
			continue;
		*packets = nftnl_expr_get_u64(expr, NFTNL_EXPR_CTR_PACKETS);
		*bytes = nftnl_expr_get_u64(expr, NFTNL_EXPR_CTR_BYTES);
		err = 0;
	}
	nftnl_expr_iter_destroy(iter);
	return err;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct nft_counters *counters = data;
	struct nftnl_rule *rule = nftnl_rule_alloc();
	uint64_t packets = 0, bytes = 0;
	const char *text;

	if (!rule)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, rule) == 0 && (text = nftb_rule_comment(rule)) &&
	    rule_counter(rule, &packets, &bytes) == 0) {
		if (!strcmp(text, NFT_COUNTER_EGRESS)) {
			counters->egress_packets = packets;
			counters->egress_bytes = bytes;
		} else if (!strcmp(text, NFT_COUNTER_FAIL_CLOSED) ||
			   !strcmp(text, NFT_COUNTER_TO_HOST)) {
			counters->fail_closed_packets += packets;	/* forward, leave, to_host */
		} else if (!strcmp(text, NFT_COUNTER_INBOUND)) {
			counters->inbound_packets += packets;	/* forward and from_host */
		} else if (!strcmp(text, FASTPATH_COUNTER_ALL)) {
			counters->offload_all_packets = packets;
			counters->offload_all_bytes = bytes;
		} else if (!strcmp(text, FASTPATH_COUNTER_SLOW)) {
			counters->offload_slow_packets = packets;
			counters->offload_slow_bytes = bytes;
		}
	}
	nftnl_rule_free(rule);
	return MNL_CB_OK;
}

/* a - b, or 0: the two rules are read one after the other while packets still flow. */
static uint64_t difference(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

int nft_read_counters(struct nl *nl, const char *table, struct nft_counters *counters)
{
	int err;

	memset(counters, 0, sizeof(*counters));
	err = nftb_dump_rules(nl, table, on_rule, counters);
	/* What the flowtable forwarded out of the jail skipped the "egress" rule (fastpath.c). */
	counters->egress_packets += difference(counters->offload_all_packets,
					       counters->offload_slow_packets);
	counters->egress_bytes += difference(counters->offload_all_bytes,
					     counters->offload_slow_bytes);
	return err;
}
