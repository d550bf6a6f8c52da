/* fwcheck.c - netjail --check's firewall item: the chains of the host's firewall that would
 * drop a jail's traffic, one line each, with what a run would do about each (let it be,
 * add its accept rules, or refuse and why).  It reads what a run reads (fw_detect, for a
 * link named as no jail's is, so that only rules for every jail count) and changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fwaccept.h"
#include "fwcheck.h"
#include "fwdetect.h"

#define WHAT "firewall"

/* A name that only rules for all jails ("nj*", "nj+") match: no jail's link is called so. */
#define ANY_JAIL "nj"

static void report_chain(const struct netjail_conf *conf,
			 const struct fw_chain *c, bool ipv6, fw_item_fn item, void *ctx)
{
	char where[3 * FW_NAME_MAX + 64], detail[1024];

	snprintf(where, sizeof(where), "table %s %s, chain %s (%s, %s)", fw_family_name(c->family),
		 c->table, c->chain, fw_owner_name(c->owner),
		 c->policy_drop ? "policy drop" : "its last rule drops");
	if (!fw_chain_concerns(c, ipv6)) {
		snprintf(detail, sizeof(detail), "%s: IPv6 only, and the jail has no IPv6", where);
		item(ctx, true, WHAT, detail);
		return;
	}
	switch (fw_action_for(conf, c)) {
	case FW_PASSES:
		snprintf(detail, sizeof(detail), "%s: %s", where, c->owner == FW_OWNER_FIREWALLD ?
			 "firewalld's, judged on the firewalld line" : "lets jails through already");
		item(ctx, true, WHAT, detail);
		break;
	case FW_INSERT:
		snprintf(detail, sizeof(detail), "%s: netjail adds two accept rules for the jail's "
			 "link at the head of %s while it runs", where, c->insert_chain);
		item(ctx, true, WHAT, detail);
		break;
	case FW_REFUSE:
		fw_refusal(c, detail, sizeof(detail));
		item(ctx, false, WHAT, detail);
		break;
	}
}

void fw_check(const struct netjail_conf *conf, bool ipv6, fw_item_fn item, void *ctx)
{
	struct fw_report report;
	char detail[640];
	struct nl nft;
	int err = nl_open(&nft, NETLINK_NETFILTER);

	if (!err) {
		err = fw_detect(&nft, ANY_JAIL, &report);
		if (err)
			nl_close(&nft);
	}
	if (err) {
		snprintf(detail, sizeof(detail), "cannot read the host's nftables ruleset: %s",
			 strerror(-err));
		item(ctx, err == -EPERM, WHAT, detail);	/* unprivileged: not a verdict */
		return;
	}
	for (unsigned i = 0; i < report.count; i++)
		report_chain(conf, &report.chains[i], ipv6, item, ctx);
	if (report.truncated)	/* a run refuses then, as it cannot tell */
		item(ctx, false, WHAT, "more forward chains that drop what they do not accept than "
		     "netjail reads: it cannot tell whether a jail would work");
	if (fw_legacy_refusal(&report, ipv6, detail, sizeof(detail)))
		item(ctx, false, WHAT, detail);
	if (!report.count && !report.legacy4_drop && !report.legacy6_drop)
		item(ctx, true, WHAT, "no forward chain of the host drops a jail's traffic");
	nl_close(&nft);
}
