/* jailname.c - a jail's name (netjail --name NAME): checked, recorded, looked up.
 *
 * A name is recorded where the jail's other facts are, in its host veth's alias, which
 * only a holder of CAP_NET_ADMIN writes and every user reads (--list, --stop): " owner=UID
 * name=NAME start=TICKS" after "netjail pid=P uplink=U reaper=R" (hostnet.c).  Names are
 * per user: OWNER is the uid the jail's programs run as, so two users may each have a jail
 * called "work", and a user's --join finds only their own.  A jail is named while the
 * state lock is held, from the clash check to the alias (run()), so two starts of one name
 * cannot both pass.  START is the reaper's start time (/proc/PID/stat): --join opens a
 * pidfd on the reaper and then checks that the process it holds started then, so that a
 * pid the reaper freed and another process took is never entered (join.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostnet.h"
#include "jailname.h"
#include "link.h"
#include "procstat.h"
#include "util.h"

#define OWNER_PART " owner="
#define NAME_PART " name="
#define START_PART " start="

int jail_name_tag(char *tag, size_t size, const char *name, uid_t owner, pid_t reaper)
{
	struct proc_stat ps;
	int err = proc_stat_read(reaper, &ps);

	if (err)
		return err;
	snprintf(tag, size, OWNER_PART "%u" NAME_PART "%s" START_PART "%llu", (unsigned)owner,
		 name, ps.start);
	return 0;
}

/* The word after @part in @alias, into @word (at most @size - 1 bytes): 0 or -ENOENT. */
static int alias_word(const char *alias, const char *part, char *word, size_t size)
{
	const char *at = strstr(alias, part);
	size_t len;

	if (!at)
		return -ENOENT;
	at += strlen(part);
	len = strcspn(at, " ");
	if (len == 0 || len >= size)
		return -ENOENT;
	memcpy(word, at, len);
	word[len] = '\0';
	return 0;
}

int jail_name_of_alias(const char *alias, char name[JAIL_NAME_MAX + 1], uid_t *owner)
{
	char number[16];
	uint32_t value;

	if (alias_word(alias, NAME_PART, name, JAIL_NAME_MAX + 1) || !jail_name_is_valid(name) ||
	    alias_word(alias, OWNER_PART, number, sizeof(number)) ||
	    parse_u32(number, 0, 0xfffffffe, &value))
		return -ENOENT;
	*owner = (uid_t)value;
	return 0;
}

struct wanted {
	const struct pool_config *cfg;
	uid_t owner;
	const char *name;	/* NULL: print every name of @owner's */
	struct named_jail *found;
	unsigned matches;
};

static int match_jail(const struct link_info *link, void *data)
{
	struct wanted *w = data;
	char name[JAIL_NAME_MAX + 1], uplink[IFNAMSIZ], number[24];
	unsigned long long start;
	uid_t owner;
	pid_t pid;
	char *end;

	if (!pool_slot_of_veth(w->cfg, link->name) || jail_alias_parse(link->alias, &pid, uplink) ||
	    jail_name_of_alias(link->alias, name, &owner) || owner != w->owner)
		return 0;
	if (!w->name) {
		puts(name);
		return 0;
	}
	if (strcmp(name, w->name) != 0 ||
	    alias_word(link->alias, START_PART, number, sizeof(number)))
		return 0;
	errno = 0;
	start = strtoull(number, &end, 10);
	if (errno || *end)
		return 0;
	*w->found = (struct named_jail){ .pid = pid, .start = start,
					 .reaper = jail_alias_reaper(link->alias) };
	snprintf(w->found->veth, sizeof(w->found->veth), "%s", link->name);
	snprintf(w->found->uplink, sizeof(w->found->uplink), "%s", uplink);
	w->matches++;
	return 0;
}

static int find(struct nl *nl, struct wanted *w)
{
	int err, tries = 0;

	do {
		w->matches = 0;
		err = link_for_each(nl, match_jail, w);
	} while (err == -EINTR && ++tries < NL_DUMP_TRIES);
	return err;
}

int jail_name_find(struct nl *nl, const struct pool_config *cfg, uid_t owner, const char *name,
		   struct named_jail *found)
{
	struct wanted w = { .cfg = cfg, .owner = owner, .name = name, .found = found };
	int err = find(nl, &w);

	if (err)
		return err;
	/* Two of one name: only a jail left by a netjail that died can be the second (names are
	 * refused under the lock while the first runs); trust neither. */
	return w.matches == 1 && found->reaper > 0 ? 0 : -ENOENT;
}

int jail_name_refuse_clash(struct nl *nl, const struct pool_config *cfg, uid_t owner,
			   const char *name, char *why, size_t why_len)
{
	struct named_jail found;
	struct wanted w = { .cfg = cfg, .owner = owner, .name = name, .found = &found };
	int err = find(nl, &w);

	if (err) {
		snprintf(why, why_len, "cannot list the jails: %s", strerror(-err));
		return err;
	}
	if (!w.matches)
		return 0;
	snprintf(why, why_len, "a jail named %s is already running (pid %d); use --join %s", name,
		 (int)found.pid, name);
	return -EEXIST;
}

int jail_name_claim(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		    const char *name, uid_t owner, char *why, size_t why_len)
{
	int err = jail_name_refuse_clash(nl, cfg, owner, name, why, why_len);

	if (err)
		return err;
	err = jail_name_tag(jh->name_tag, sizeof(jh->name_tag), name, owner, jh->reaper);
	if (err)
		snprintf(why, why_len, "cannot read the jail's reaper's start time: %s",
			 strerror(-err));
	return err;
}

int jail_name_print_all(struct nl *nl, const struct pool_config *cfg, uid_t owner)
{
	struct wanted w = { .cfg = cfg, .owner = owner };

	return find(nl, &w);
}
