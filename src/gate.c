/* gate.c - the policy rules all jails share, in front of their own.
 *
 * Each jail has one rule of its own per family, "iif nj<N> lookup T" at priority R.  A
 * route lookup is matched against the rules in order, so with a hundred jails every
 * lookup of the host's own traffic (every unconnected UDP datagram, every new
 * connection) would go past a hundred rules that cannot match it.  The gate, one set for
 * all jails, sends everything that is not a jail's past them:
 *
 *   to <pool> lookup table_base
 *   iif lo goto R+1
 *   R:   iif nj<N> lookup T          (each jail's)
 *   R+1: nop
 *
 * The first rule is the way back into every jail: replies, once conntrack has undone the
 * NAT, are for a jail's address, and table_base holds each jail's /30 (hostnet.c adds and
 * repairs it; it goes with the jail's link).  Being first, it is ahead of any VPN tool's
 * catch-all; a pool address that no jail holds finds nothing there and falls through. The
 * second sends the host's own traffic ("iif lo": the lookups of locally generated packets)
 * straight to R+1, where the nop gives the jump a target; a goto whose target is missing
 * does nothing, so a lost nop costs speed, never correctness.  Strict rp_filter still
 * works: a reply is checked as if it came in by its way out, nj<N>, whose own rule answers
 * with the uplink.
 *
 * What the jump skips must be jails' rules only.  The gate and the jails' rules stay at R
 * (rule_priority); while another tool's rule sits at R-1 or R, the supervisors leave the
 * jump and its target out (hostnet.c, ruleplace_jump_blocked), and the host's own lookups
 * walk past the jails' rules instead.  A rule another tool adds without a priority lands
 * just in front of the gate (the kernel puts it before the second rule in the list): the
 * supervisors move it to where it would be without netjail (ruleplace.c).  Every jail adds
 * the gate (EEXIST: another did); the last one out removes it.
 */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "gate.h"

/* Lowest R with room for R-2. */
#define GATE_MIN_PRIORITY 3

/* Where each of a family's gate rules sits, from R. */
static const int gate_offset[GATE_RULES_PER_FAMILY] = { -2, -1, +1 };

static void family_gate(const struct pool_config *cfg, uint32_t priority, uint8_t family,
			struct rule_info rules[GATE_RULES_PER_FAMILY])
{
	memset(rules, 0, GATE_RULES_PER_FAMILY * sizeof(rules[0]));
	rules[0].family = family;
	rules[0].priority = priority + gate_offset[0];
	rules[0].table = cfg->table_base;
	if (family == AF_INET6) {
		pool_network6(&rules[0].dst6);
		rules[0].dst_len = POOL_PREFIX6;
	} else {
		rules[0].dst = pool_network(cfg);
		rules[0].dst_len = (uint8_t)cfg->pool_prefix;
	}
	rules[1] = (struct rule_info){
		.family = family, .priority = priority + gate_offset[1], .action = FR_ACT_GOTO,
		.goto_target = priority + gate_offset[2], .iifname = "lo",
	};
	rules[2] = (struct rule_info){
		.family = family, .priority = priority + gate_offset[2], .action = FR_ACT_NOP,
	};
}

int gate_rules(const struct pool_config *cfg, uint32_t priority, bool ipv6,
	       struct rule_info rules[GATE_RULES])
{
	if (priority < GATE_MIN_PRIORITY)
		return 0;
	family_gate(cfg, priority, AF_INET, rules);
	if (!ipv6)
		return GATE_RULES_PER_FAMILY;
	family_gate(cfg, priority, AF_INET6, rules + GATE_RULES_PER_FAMILY);
	return GATE_RULES;
}

bool gate_rule_is(const struct pool_config *cfg, const struct rule_info *rule)
{
	uint8_t family = rule->family == AF_INET6 ? AF_INET6 : AF_INET;

	/* Each position of the gate in turn: the R it would belong to, and its rule there. */
	for (int i = 0; i < GATE_RULES_PER_FAMILY; i++) {
		int64_t priority = (int64_t)rule->priority - gate_offset[i];
		struct rule_info gate[GATE_RULES_PER_FAMILY];

		if (priority < GATE_MIN_PRIORITY || priority > UINT32_MAX - 1)
			continue;
		family_gate(cfg, (uint32_t)priority, family, gate);
		if (rule_same(rule, &gate[i]))
			return true;
	}
	return false;
}

#define GATE_REMOVE_MAX 64

struct found_gates {
	const struct pool_config *cfg;
	struct rule_info rules[GATE_REMOVE_MAX];
	unsigned count;
};

static int note_gate(const struct rule_info *rule, void *data)
{
	struct found_gates *found = data;

	if (gate_rule_is(found->cfg, rule) && found->count < GATE_REMOVE_MAX)
		found->rules[found->count++] = *rule;
	return 0;
}

int gate_remove(struct nl *nl, const struct pool_config *cfg)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct found_gates found = { .cfg = cfg };
	int err = 0;

	/* Found first, deleted after: no request can go out on @nl while it dumps. */
	for (size_t i = 0; !err && i < sizeof(families); i++)
		err = rule_for_each_family(nl, families[i], note_gate, &found);
	for (unsigned i = 0; i < found.count; i++) {
		const struct rule_info *rule = &found.rules[i];
		bool targeted = false;
		int gone;

		/* A nop is the gate's only if a gate's goto lands on it: another tool may have
		 * one of its own. */
		for (unsigned j = 0; rule->action == FR_ACT_NOP && j < found.count; j++)
			targeted |= found.rules[j].action == FR_ACT_GOTO &&
				    found.rules[j].family == rule->family &&
				    found.rules[j].goto_target == rule->priority;
		if (rule->action == FR_ACT_NOP && !targeted)
			continue;
		gone = rule_delete(nl, rule);

		if (gone && gone != -ENOENT && !err)
			err = gone;
	}
	return err;
}
