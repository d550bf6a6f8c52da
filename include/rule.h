/* rule.h - policy routing rules (ip rule, ip -6 rule) through rtnetlink. */
#ifndef NETJAIL_RULE_H
#define NETJAIL_RULE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

/* "priority P: [iif IIFNAME] [to DST/LEN] [fwmark MARK/MASK] ACTION", where ACTION is
 * "lookup TABLE", "goto TARGET" or "nop". */
struct rule_info {
	uint8_t family;			/* AF_INET (also when 0) or AF_INET6 */
	uint8_t action;			/* FR_ACT_TO_TBL (also when 0), FR_ACT_GOTO, FR_ACT_NOP */
	uint32_t priority;
	uint32_t table;			/* FR_ACT_TO_TBL */
	uint32_t goto_target;		/* FR_ACT_GOTO: the priority it jumps to */
	char iifname[IFNAMSIZ];		/* "" for any */
	uint8_t dst_len;		/* 0 for any destination */
	union { struct in_addr dst; struct in6_addr dst6; };	/* by family */
	uint32_t fwmark, fwmask;	/* fwmask 0 for any mark */
};

typedef int (*rule_visit_fn)(const struct rule_info *rule, void *data);

/* Do @a and @b describe the same rule (priority, selectors and action)? */
bool rule_same(const struct rule_info *a, const struct rule_info *b);

int rule_add(struct nl *nl, const struct rule_info *rule);
/* Delete the first rule like @rule; priority 0 matches any priority.  0 or -errno. */
int rule_delete(struct nl *nl, const struct rule_info *rule);

/* Call @visit for every IPv4 rule (any action); non-zero from it is returned. */
int rule_for_each(struct nl *nl, rule_visit_fn visit, void *data);
/* The same for the rules of @family (AF_INET or AF_INET6). */
int rule_for_each_family(struct nl *nl, uint8_t family, rule_visit_fn visit, void *data);
/* The same, in the kernel's order, with the kernel's own RTM_NEWRULE message of each rule
 * (every attribute, also those rule_info leaves out), valid during the call only. */
typedef int (*rule_visit_msg_fn)(const struct rule_info *rule, const struct nlmsghdr *nlh,
				 void *data);
int rule_for_each_msg(struct nl *nl, uint8_t family, rule_visit_msg_fn visit, void *data);

#endif
