/* rlimits.h - the caller's resource limits: netjail's own while it runs, COMMAND's again. */
#ifndef NETJAIL_RLIMITS_H
#define NETJAIL_RLIMITS_H

/* In priv_init: keep the caller's limits aside for COMMAND and raise each soft limit that
 * could end or fail a step of netjail half-way to its hard limit. */
void rlimits_take_from_caller(void);

/* Before a run or a cleanup changes anything: 0, or -EDQUOT with @why set to one
 * sentence (in a static buffer) naming a hard limit below what netjail needs. */
int rlimits_check(const char **why);

/* In the jail child, after priv_drop and right before exec: the caller's soft and hard
 * limits, as COMMAND would have had them without netjail.  0 or -errno. */
int rlimits_give_back_to_caller(void);

#endif
