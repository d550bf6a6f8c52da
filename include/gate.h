/* gate.h - the policy rules all jails share, in front of their own (see gate.c). */
#ifndef NETJAIL_GATE_H
#define NETJAIL_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "pool.h"
#include "rule.h"

#define GATE_RULES_PER_FAMILY 3
#define GATE_RULES (2 * GATE_RULES_PER_FAMILY)

/* The gate for jails whose own rules are at @priority: IPv4's, then with @ipv6 IPv6's, in
 * @rules.  Returns how many (3 or 6). */
int gate_rules(const struct pool_config *cfg, uint32_t priority, bool ipv6,
	       struct rule_info rules[GATE_RULES]);

/* Is @rule, at whatever priority, one of a gate's? */
bool gate_rule_is(const struct pool_config *cfg, const struct rule_info *rule);

/* Delete every gate rule, at any priority: the last jail is gone.  0 or -errno. */
int gate_remove(struct nl *nl, const struct pool_config *cfg);

#endif
