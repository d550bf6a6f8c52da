/* ruleplace.c - other tools' rules that the kernel placed in front of the jails'.
 *
 * The jails' rules and their gate sit at the configured rule_priority R (R-2 .. R+1, see
 * gate.c) and never move.  But a rule added without a priority, as wg-quick adds its two
 * ("not fwmark 51820 lookup 51820", then "lookup main suppress_prefixlength 0"), gets
 * the priority of the second rule in the list minus one (fib_default_rule_pref() in
 * net/core/fib_rules.c): with a jail running, the gate's R-2 is that rule, so they land at
 * in front of the jails, and would send the jails' traffic into the VPN.
 * Nothing netjail's rules could match keeps "not fwmark 51820" away from the jails'
 * packets, and no place of the gate escapes the kernel's choice: whichever rule is second,
 * the next one goes just in front of it (and at 0, wg-quick's two would end up in the
 * wrong order).  Moving the jails' rules ahead instead, as netjail once did, lost a few
 * numbers at each reconnect until it reached 0.
 *
 * So the rules the kernel put there only because of the gate go where it would have put
 * them without netjail: just in front of the lowest other rule behind the jails' (main's
 * 32766 on most hosts: 32765, 32764), in the same order.  They are recognised as the run
 * of other tools' rules from R-3 down, each one less than (or as much as) the one after
 * it: what the kernel gives rules added one after another.  Anything else stays where its
 * tool put it: a rule with an explicit priority further in front, or from R-2 to R+1 (at
 * R-1 or R the gate goes without its jump, which would skip it: ruleplace_jump_blocked;
 * netjail.conf(5) says what such rules mean for the jails, --check names them).
 *
 * A rule moves without a moment of absence: the kernel's own message, every attribute
 * kept (FIB_RULE_INVERT, suppress_prefixlength, protocol ...) but the priority, is added
 * at the new place (NLM_F_EXCL), then the old one deleted by all its attributes; the
 * highest first, so that at every moment the rules keep their order.  Every supervisor
 * does this on the same event: EEXIST and ENOENT are someone else having done it, and the
 * target ignores copies of the rules being moved, so all compute the same place.  A rule
 * the tool adds while its previous one moves lands one below the run that is left (the
 * second rule then), so who moved a run looks again from just below it.
 */
#include <errno.h>
#include <stdint.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "gate.h"
#include "rule.h"
#include "ruleplace.h"

/* wg-quick adds 2 per family; a run longer than this is left alone. */
#define CANDIDATES_MAX 16
/* Rules of the kernel's dump are a few hundred bytes at most (fib_rule_nlmsg_size). */
#define RULE_MSG_MAX 512
/* Looks again after moving a run at most this often per call. */
#define ROUNDS_MAX 8

/* The flags a dump reports about the rule's surroundings, not the rule: not copied. */
#define DERIVED_FLAGS (FIB_RULE_UNRESOLVED | FIB_RULE_IIF_DETACHED | FIB_RULE_OIF_DETACHED)

struct candidate {
	uint32_t priority;
	char msg[RULE_MSG_MAX];		/* the kernel's RTM_NEWRULE */
};

struct layout {
	const struct pool_config *cfg;
	/* Other tools' rules in front of the gate, in the kernel's order (by priority). */
	struct candidate in_front[CANDIDATES_MAX];
	unsigned count;
	bool too_many;
	bool has_gate;			/* the gate's first rule is at R-2 */
	/* Other tools' rules behind the jails' (after R+1), in order, up to the first that
	 * copies no candidate; with a bit for each candidate it copies. */
	struct { uint32_t priority; uint32_t copies; } behind[CANDIDATES_MAX + 1];
	unsigned behind_count;
};

static bool is_jails(const struct pool_config *cfg, const struct rule_info *rule)
{
	return ((rule->action == 0 || rule->action == FR_ACT_TO_TBL) &&
		pool_slot_of_table(cfg, rule->table)) ||
	       gate_rule_is(cfg, rule);
}

/* @attr or the first attribute after it in @nlh that says more than where the rule sits
 * (not its priority, not padding); NULL at the end. */
static const struct nlattr *kept_attr(const struct nlmsghdr *nlh, const struct nlattr *attr)
{
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	while (mnl_attr_ok(attr, (int)(tail - (const char *)attr))) {
		if (mnl_attr_get_type(attr) != FRA_PRIORITY && mnl_attr_get_type(attr) != FRA_PAD)
			return attr;
		attr = mnl_attr_next(attr);
	}
	return NULL;
}

/* Do the rule messages @a and @b say the same but for the priority? */
static bool same_but_priority(const struct nlmsghdr *a, const struct nlmsghdr *b)
{
	const struct fib_rule_hdr *fa = mnl_nlmsg_get_payload(a), *fb = mnl_nlmsg_get_payload(b);
	const struct nlattr *x, *y;

	if (fa->family != fb->family || fa->dst_len != fb->dst_len ||
	    fa->src_len != fb->src_len || fa->tos != fb->tos || fa->table != fb->table ||
	    fa->action != fb->action || (fa->flags & ~DERIVED_FLAGS) != (fb->flags & ~DERIVED_FLAGS))
		return false;
	/* Both from the same kernel: the same attributes come in the same order. */
	x = kept_attr(a, mnl_nlmsg_get_payload_offset(a, sizeof(*fa)));
	y = kept_attr(b, mnl_nlmsg_get_payload_offset(b, sizeof(*fb)));
	while (x && y) {
		if (x->nla_type != y->nla_type || x->nla_len != y->nla_len ||
		    memcmp(mnl_attr_get_payload(x), mnl_attr_get_payload(y),
			   mnl_attr_get_payload_len(x)) != 0)
			return false;
		x = kept_attr(a, mnl_attr_next(x));
		y = kept_attr(b, mnl_attr_next(y));
	}
	return !x && !y;
}

static int note_rule(const struct rule_info *rule, const struct nlmsghdr *nlh, void *data)
{
	struct layout *l = data;
	uint32_t r = l->cfg->rule_priority, copies = 0;

	if (is_jails(l->cfg, rule)) {
		l->has_gate |= rule->priority == r - 2 && rule->table == l->cfg->table_base;
		return 0;
	}
	if (rule->priority > 0 && rule->priority < r - 2) {
		if (l->count == CANDIDATES_MAX || nlh->nlmsg_len > RULE_MSG_MAX) {
			l->too_many = true;
			return 0;
		}
		l->in_front[l->count].priority = rule->priority;
		memcpy(l->in_front[l->count++].msg, nlh, nlh->nlmsg_len);
		return 0;
	}
	if (rule->priority <= r + 1)
		return 0;
	if (l->behind_count && !l->behind[l->behind_count - 1].copies)
		return 0;	/* past the first one that copies none */
	if (l->behind_count == CANDIDATES_MAX + 1) {
		l->too_many = true;
		return 0;
	}
	/* The dump is in the kernel's order: every candidate came before. */
	for (unsigned i = 0; i < l->count; i++)
		if (same_but_priority(nlh, (const struct nlmsghdr *)l->in_front[i].msg))
			copies |= 1u << i;
	l->behind[l->behind_count].priority = rule->priority;
	l->behind[l->behind_count++].copies = copies;
	return 0;
}

/* Where the kernel would have put the rules of @run without netjail: in front of the
 * first rule behind the jails' that is not one of them (a copy another supervisor made
 * already does not count).  0 if there is none. */
static uint32_t place_before(const struct layout *l, uint32_t run)
{
	for (unsigned i = 0; i < l->behind_count; i++)
		if (!(l->behind[i].copies & run))
			return l->behind[i].priority;
	return 0;
}

/* Send the rule message @msg again as @type, at @priority. */
static int send_rule(struct nl *nl, const struct nlmsghdr *msg, uint16_t type, uint16_t flags,
		     uint32_t priority)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, type, flags);
	const struct fib_rule_hdr *old = mnl_nlmsg_get_payload(msg);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	const struct nlattr *attr;

	*frh = *old;
	frh->flags &= ~DERIVED_FLAGS;
	mnl_attr_for_each(attr, msg, sizeof(*old)) {
		uint16_t kind = mnl_attr_get_type(attr);

		if (kind != FRA_PRIORITY && kind != FRA_PAD)
			mnl_attr_put(nlh, attr->nla_type, mnl_attr_get_payload_len(attr),
				     mnl_attr_get_payload(attr));
	}
	mnl_attr_put_u32(nlh, FRA_PRIORITY, priority);
	return nl_request(nl, nlh);
}

/* One look at @family's rules: move the run that starts at R-3 or, if not 0, at @top.
 * Returns how many old rules this call deleted (the lowest priority it freed in @floor),
 * or -errno. */
static int move_run(struct nl *nl, const struct pool_config *cfg, uint8_t family,
		    uint32_t top, uint32_t *floor)
{
	struct layout l = { .cfg = cfg };
	uint32_t run = 0, before, previous = 0;
	int first, err, deleted = 0;

	err = rule_for_each_msg(nl, family, note_rule, &l);
	if (err)
		return err;
	if (!l.has_gate || l.too_many)
		return 0;
	/* From the highest down, while each is one less than the one after it, or as much. */
	for (first = (int)l.count - 1; first >= 0; first--) {
		const struct candidate *c = &l.in_front[first];
		const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload((const void *)c->msg);
		bool follows = run ? c->priority == previous || c->priority + 1 == previous :
				     c->priority == cfg->rule_priority - 3 || c->priority == top;

		if (!follows || (frh->flags & FIB_RULE_PERMANENT))
			break;
		run |= 1u << first;
		previous = c->priority;
	}
	first++;
	before = run ? place_before(&l, run) : 0;
	/* Room behind the jails' rules for all of them, or they stay. */
	if ((int64_t)before - (l.count - first) <= (int64_t)cfg->rule_priority + 1)
		return 0;
	for (int i = (int)l.count - 1; i >= first; i--) {
		const struct nlmsghdr *msg = (const void *)l.in_front[i].msg;

		before--;
		err = send_rule(nl, msg, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, before);
		if (err && err != -EEXIST)
			return deleted ? deleted : err;	/* never without it: the old one stays */
		err = send_rule(nl, msg, RTM_DELRULE, 0, l.in_front[i].priority);
		if (err && err != -ENOENT)
			return deleted ? deleted : err;
		if (!err) {
			deleted++;
			*floor = l.in_front[i].priority;
		}
	}
	return deleted;
}

int ruleplace_others(struct nl *nl, const struct pool_config *cfg, bool ipv6)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	int moved = 0;

	if (cfg->rule_priority < 4)
		return 0;	/* no R-3 */
	for (size_t f = 0; f < (ipv6 ? 2u : 1u); f++) {
		uint32_t floor = 0;

		/* Who moved a run looks again: a rule added meanwhile went one below what was
		 * left of it (the second rule then), or at R-3 once it had all gone. */
		for (int round = 0; round < ROUNDS_MAX; round++) {
			int n = move_run(nl, cfg, families[f], floor ? floor - 1 : 0, &floor);

			if (n < 0)
				return moved ? moved : n;
			if (n == 0)
				break;
			moved += n;
		}
	}
	return moved;
}

struct ahead {
	const struct pool_config *cfg;
	uint32_t *priorities;
	unsigned max, count;
	bool in_jump;			/* one at R-1 or R */
};

static int note_ahead(const struct rule_info *rule, void *data)
{
	struct ahead *a = data;

	if (rule->priority > 0 && rule->priority <= a->cfg->rule_priority &&
	    !is_jails(a->cfg, rule)) {
		if (a->count < a->max)
			a->priorities[a->count] = rule->priority;
		a->count++;
		a->in_jump |= rule->priority + 1 >= a->cfg->rule_priority;
	}
	return 0;
}

int ruleplace_others_ahead(struct nl *nl, const struct pool_config *cfg, uint8_t family,
			   uint32_t *priorities, unsigned max, bool *in_jump)
{
	struct ahead a = { .cfg = cfg, .priorities = priorities, .max = max };
	int err = rule_for_each_family(nl, family, note_ahead, &a);

	*in_jump = a.in_jump;
	return err ? err : (int)a.count;
}

int ruleplace_jump_blocked(struct nl *nl, const struct pool_config *cfg, bool ipv6)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	int blocked = 0;

	for (size_t f = 0; f < (ipv6 ? 2u : 1u); f++) {
		struct ahead a = { .cfg = cfg };
		int err = rule_for_each_family(nl, families[f], note_ahead, &a);

		if (err)
			return err;
		if (a.in_jump)
			blocked |= RULEPLACE_NO_JUMP(families[f]);
	}
	return blocked;
}
