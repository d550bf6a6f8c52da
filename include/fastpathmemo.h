/* fastpathmemo.h - a kernel's refusal of flowtables, remembered (fastpathmemo.c). */
#ifndef NETJAIL_FASTPATHMEMO_H
#define NETJAIL_FASTPATHMEMO_H

#include <stdbool.h>

#include "conf.h"
#include "state.h"

/* Why a jail gets no flowtable without asking the kernel (netjail.conf's fastpath = no, or
 * a refusal remembered), or NULL: what jail_host's no_fastpath holds. */
const char *fastpath_skip_reason(const struct netjail_conf *conf, struct state *st);
/* true if this kernel refused a jail's flowtable before, since the state was made. */
bool fastpath_refused_before(struct state *st);
/* Remember the refusal @err of fastpath_install(), if it says the kernel has no flowtables
 * (nothing is remembered for other errors). */
void fastpath_remember_refusal(struct state *st, int err);
/* Forget it (netjail --cleanup): the next jail asks the kernel again. */
void fastpath_forget_refusal(struct state *st);

#endif
