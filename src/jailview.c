/* jailview.c - what the jail's files and COMMAND's environment need, planned before the
 * jail exists: nameservers it can reach (dnsfind.c), name lookups that do not go around it
 * (nsswitch.conf without the host's resolver daemons), the host's resolver sockets hidden,
 * the desktop session's sockets (desktop.c).  Read as the caller; nothing is changed here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jailview.h"
#include "log.h"
#include "resolvconf.h"
#include "textfile.h"

int jail_view_plan(struct nl *nl, const struct cli_options *opts, const struct jail_host *jh,
		   const struct target_user *target, struct env_changes *env,
		   struct jail_view *view, char *why, size_t why_len)
{
	char *host_nsswitch;
	size_t i;
	int err;

	memset(view, 0, sizeof(*view));
	err = dns_choose(&(struct dns_request){ .given = opts->dns, .given_count = opts->dns_count,
		.uplink_index = jh->uplink.index, .uplink_name = jh->uplink.name, .ipv6 = jh->has_ipv6,
		.allow_host = opts->allow_host, .nl = nl }, &view->dns, why, why_len);
	if (err == -EADDRNOTAVAIL)	/* a server on the host: it would resolve by its routes */
		return err;
	if (err)
		log_warning("%s", why);
	view->files.resolv_conf = view->dns.resolv_conf;
	if (view->dns.set_aside[0])
		log_verbose("%s: not the jail's", view->dns.set_aside);
	for (i = 0; i < view->dns.servers.count; i++)
		log_verbose("nameserver %s (from %s)", view->dns.servers.addr[i], view->dns.source);
	host_nsswitch = text_file_read("/etc/nsswitch.conf", 65536, NULL);
	if (host_nsswitch && !nsswitch_conf_for_jail(host_nsswitch, view->nsswitch,
						     sizeof(view->nsswitch)))
		view->files.nsswitch_conf = view->nsswitch;
	free(host_nsswitch);
	/* The host's resolvers, which would query by the host's default route. */
	jailfs_plan_mask(&view->files, "/run/systemd/resolve/io.systemd.Resolve", false, 0);
	jailfs_plan_mask(&view->files, "/run/nscd/socket", false, 0);

	desktop_plan(target, env->no_session_bus ? DBUS_NONE : DBUS_HOST, &view->files,
		     &view->desktop);
	for (i = 0; i < 2; i++)
		if (view->desktop.warnings[i][0])
			log_warning("%s", view->desktop.warnings[i]);
	env->session_bus_address = view->desktop.bus_address[0] ? view->desktop.bus_address : NULL;
	env->runtime_dir = view->desktop.set_runtime_dir ? view->desktop.runtime_dir : NULL;
	for (i = 0; i < view->files.mask_count; i++)
		log_verbose("hiding %s from the jail", view->files.masks[i].path);
	return 0;
}
