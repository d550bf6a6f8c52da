/* rule.c - policy routing rules: the jails' own, and the gate in front of them (hostnet.c). */
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "rule.h"

static uint8_t action_of(const struct rule_info *rule)
{
	return rule->action ? rule->action : FR_ACT_TO_TBL;
}

static void put_rule(struct nlmsghdr *nlh, const struct rule_info *rule)
{
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = rule->family == AF_INET6 ? AF_INET6 : AF_INET;
	frh->action = action_of(rule);
	frh->table = RT_TABLE_UNSPEC;
	if (frh->action == FR_ACT_TO_TBL)
		mnl_attr_put_u32(nlh, FRA_TABLE, rule->table);
	if (frh->action == FR_ACT_GOTO)
		mnl_attr_put_u32(nlh, FRA_GOTO, rule->goto_target);
	/* Priority 0 only as "any" in a delete: netjail never adds a rule at 0, local's. */
	if (rule->priority)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, rule->priority);
	if (rule->iifname[0])
		mnl_attr_put_strz(nlh, FRA_IFNAME, rule->iifname);
	if (rule->dst_len) {
		frh->dst_len = rule->dst_len;
		if (frh->family == AF_INET6)
			mnl_attr_put(nlh, FRA_DST, sizeof(rule->dst6), &rule->dst6);
		else
			mnl_attr_put(nlh, FRA_DST, sizeof(rule->dst), &rule->dst);
	}
	if (rule->fwmask) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, rule->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, rule->fwmask);
	}
}

bool rule_same(const struct rule_info *a, const struct rule_info *b)
{
	bool ipv6 = a->family == AF_INET6;

	return ipv6 == (b->family == AF_INET6) && action_of(a) == action_of(b) &&
	       a->priority == b->priority &&
	       (action_of(a) != FR_ACT_TO_TBL || a->table == b->table) &&
	       (action_of(a) != FR_ACT_GOTO || a->goto_target == b->goto_target) &&
	       strcmp(a->iifname, b->iifname) == 0 && a->dst_len == b->dst_len &&
	       (!a->dst_len ||
		memcmp(&a->dst6, &b->dst6, ipv6 ? sizeof(a->dst6) : sizeof(a->dst)) == 0) &&
	       a->fwmask == b->fwmask && (!a->fwmask || a->fwmark == b->fwmark);
}

int rule_add(struct nl *nl, const struct rule_info *rule)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);

	put_rule(nlh, rule);
	return nl_request(nl, nlh);
}

int rule_delete(struct nl *nl, const struct rule_info *rule)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_DELRULE, 0);

	put_rule(nlh, rule);
	return nl_request(nl, nlh);
}

struct walk {
	rule_visit_fn visit;
	rule_visit_msg_fn visit_msg;	/* instead of @visit: also hands over the message */
	void *data;
	int stopped_with;
	uint8_t family;
};

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct walk *walk = data;
	struct rule_info rule = { .family = frh->family, .action = frh->action,
				  .table = frh->table, .dst_len = frh->dst_len };
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWRULE || frh->family != walk->family || walk->stopped_with)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*frh)) {
		uint16_t type = mnl_attr_get_type(attr);
		bool is_u32 = mnl_attr_get_payload_len(attr) == sizeof(uint32_t);

		if (type == FRA_TABLE && is_u32)
			rule.table = mnl_attr_get_u32(attr);
		else if (type == FRA_PRIORITY && is_u32)
			rule.priority = mnl_attr_get_u32(attr);
		else if (type == FRA_GOTO && is_u32)
			rule.goto_target = mnl_attr_get_u32(attr);
		else if (type == FRA_FWMARK && is_u32)
			rule.fwmark = mnl_attr_get_u32(attr);
		else if (type == FRA_FWMASK && is_u32)
			rule.fwmask = mnl_attr_get_u32(attr);
		else if (type == FRA_DST && mnl_attr_get_payload_len(attr) ==
			 (frh->family == AF_INET6 ? sizeof(rule.dst6) : sizeof(rule.dst)))
			memcpy(&rule.dst6, mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr));
		else if (type == FRA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(rule.iifname, sizeof(rule.iifname), "%s", mnl_attr_get_str(attr));
	}
	/* The kernel reports a plain "fwmark M" with mask 0xffffffff; no fwmark: mask 0. */
	if (!rule.fwmark && rule.fwmask == 0xffffffffu)
		rule.fwmask = 0;
	walk->stopped_with = walk->visit_msg ? walk->visit_msg(&rule, nlh, walk->data) :
					       walk->visit(&rule, walk->data);
	return MNL_CB_OK;
}

int rule_for_each(struct nl *nl, rule_visit_fn visit, void *data)
{
	return rule_for_each_family(nl, AF_INET, visit, data);
}

static int walk_rules(struct nl *nl, struct walk *walk)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETRULE, 0);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	int err;

	frh->family = walk->family;
	err = nl_dump(nl, nlh, on_rule, walk);
	return err ? err : walk->stopped_with;
}

int rule_for_each_family(struct nl *nl, uint8_t family, rule_visit_fn visit, void *data)
{
	struct walk walk = { .visit = visit, .data = data, .family = family };

	return walk_rules(nl, &walk);
}

int rule_for_each_msg(struct nl *nl, uint8_t family, rule_visit_msg_fn visit, void *data)
{
	struct walk walk = { .visit_msg = visit, .data = data, .family = family };

	return walk_rules(nl, &walk);
}
