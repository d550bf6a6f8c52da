/* fwwatch.c - a jail's accept rules in the host's firewall over its life: admitted before it
 * starts (jail_host_admit_firewall), put back while it runs when the firewall reloads.
 *
 * `ufw reload`, `iptables-restore`, Docker's restart and `nft -f` replace the chains where
 * netjail put its accept rules (fwaccept.c), and the running program's traffic would be
 * dropped from then on.  The supervisor hears of every nftables change (NFNLGRP_NFTABLES),
 * and after one made by another process to a table that is not netjail's, it runs fw_admit
 * again without refusing: what is still in place is found and left, what is missing is
 * inserted again, within the same poll wake-up.  Only a jail that has rules in another
 * tool's chains listens: on hosts without such a firewall no supervisor wakes for other
 * jails' tables.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would define in_addr */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "fwaccept.h"
#include "fwdetect.h"
#include "fwwatch.h"
#include "log.h"

#define REPAIR_WINDOW_SECONDS 10
#define REPAIRS_PER_WINDOW 5

int jail_host_admit_firewall(struct jail_host *jh, struct nl *nl, struct state *st,
			     const struct netjail_conf *conf, char *why, size_t why_len)
{
	int err = jh->nft.sock ? 0 : nl_open(&jh->nft, NETLINK_NETFILTER);

	if (err)
		snprintf(why, why_len, "cannot open a netfilter socket: %s", strerror(-err));
	else
		err = fw_admit(&jh->nft, conf, jh->net.host_veth, jh->has_ipv6, false,
			       &jh->fw_rules, why, why_len);
	if (err < 0) {
		jail_host_teardown(jh, nl, st, &conf->pool);
		return err;
	}
	return 0;
}

int fw_watch_open(struct fw_watch *w, const struct jail_host *jh, int other_fd)
{
	unsigned group = NFNLGRP_NFTABLES;
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	memset(w, 0, sizeof(*w));
	w->poll_fd = -1;
	if (!jh->fw_rules.count)
		return other_fd;
	err = nl_open(&w->events, NETLINK_NETFILTER);
	if (!err)
		err = nl_subscribe(&w->events, &group, 1);
	if (!err) {
		w->poll_fd = epoll_create1(EPOLL_CLOEXEC);
		err = w->poll_fd < 0 ? -errno : 0;
	}
	if (!err && other_fd >= 0 && epoll_ctl(w->poll_fd, EPOLL_CTL_ADD, other_fd, &ev))
		err = -errno;
	if (!err && epoll_ctl(w->poll_fd, EPOLL_CTL_ADD, mnl_socket_get_fd(w->events.sock), &ev))
		err = -errno;
	if (err) {
		log_error("cannot watch the host's firewall (%s): the jail's rules will not come "
			  "back after a reload", strerror(-err));
		fw_watch_close(w);
		return other_fd;
	}
	return w->poll_fd;
}

/* The comment of a rule event's userdata (NFTNL_UDATA_RULE_COMMENT, type 0: one byte of
 * type, one of length, the NUL-terminated text), or NULL. */
static const char *rule_comment(const struct nlattr *udata)
{
	const unsigned char *p = mnl_attr_get_payload(udata);
	size_t len = mnl_attr_get_payload_len(udata);

	while (len >= 2 && p[1] <= len - 2) {
		if (p[0] == 0 && p[1] > 0 && p[2 + p[1] - 1] == '\0')
			return (const char *)p + 2;
		len -= 2u + p[1];
		p += 2u + p[1];
	}
	return NULL;
}

/* An event that may concern this jail (@data: its link's name): about a table other than
 * netjail's own, and not another jail's accept rule coming or going (every jail's start and
 * end would otherwise send every supervisor through fw_admit).  The table's name is
 * attribute 1 of tables, chains, rules, sets and objects alike. */
static bool concerns_others(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const char *host_veth = data, *comment;
	const struct nlattr *attr;
	bool others = true;
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES || type == NFT_MSG_NEWGEN)
		return false;
	if (nlh->nlmsg_len < NLMSG_SPACE(sizeof(*nfg)))
		return false;
	mnl_attr_for_each(attr, nlh, sizeof(*nfg)) {
		if (mnl_attr_get_type(attr) == NFTA_TABLE_NAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
		    fw_table_is_netjails(nfg->nfgen_family, mnl_attr_get_str(attr)))
			return false;
		if ((type == NFT_MSG_NEWRULE || type == NFT_MSG_DELRULE) &&
		    mnl_attr_get_type(attr) == NFTA_RULE_USERDATA &&
		    (comment = rule_comment(attr)) &&
		    !strncmp(comment, FW_COMMENT_PREFIX, strlen(FW_COMMENT_PREFIX)) &&
		    strcmp(comment + strlen(FW_COMMENT_PREFIX), host_veth) != 0)
			others = false;
	}
	return others;
}

static bool repair_allowed(struct fw_watch *w)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - w->window.tv_sec >= REPAIR_WINDOW_SECONDS) {
		w->window = now;
		w->repairs = 0;
	}
	if (w->repairs == REPAIRS_PER_WINDOW)
		log_error("the host's firewall keeps removing the jail's rules: not putting them "
			  "back for %d s", REPAIR_WINDOW_SECONDS);
	return w->repairs++ < REPAIRS_PER_WINDOW;
}

int fw_watch_keep(struct fw_watch *w, struct jail_host *jh, const struct netjail_conf *conf)
{
	char why[640];
	int added;

	if (!w->events.sock || !nl_drain_events_matching(&w->events, jh->nft.portid,
							 concerns_others, jh->net.host_veth))
		return 0;
	if (!repair_allowed(w))
		return 0;
	/* Places already listed stay listed (teardown looks there), new ones are added. */
	added = fw_admit(&jh->nft, conf, jh->net.host_veth, jh->has_ipv6, true, &jh->fw_rules,
			 why, sizeof(why));
	if (added < 0) {
		log_error("%s", why);
		return 0;
	}
	if (added)
		log_verbose("put the jail's accept rules back in %d chain(s) of the host's firewall",
			    added);
	return added;
}

void fw_watch_close(struct fw_watch *w)
{
	if (w->events.sock)
		nl_close(&w->events);
	if (w->poll_fd >= 0)
		close(w->poll_fd);
	w->poll_fd = -1;
}
