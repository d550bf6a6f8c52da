/* list.h - netjail --list. */
#ifndef NETJAIL_LIST_H
#define NETJAIL_LIST_H

#include "nl.h"
#include "pool.h"

/* Print one line per running jail to stdout.  0 or -errno. */
int list_jails(struct nl *nl, const struct pool_config *cfg);

#endif
