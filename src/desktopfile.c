/* desktopfile.c - netjail --desktop-entry: find a launcher, wrap it (desktop.c), write the copy.
 *
 * main() has given up every privilege for good before this runs: everything here is done
 * as the user, who could do it by hand, so reading their environment (HOME, XDG_*) is
 * fine.  The launcher's text is the only thing parsed, by desktop.c, which is fuzzed.
 *
 *   find FILE (a path, or a desktop file ID looked up as the menus do) -> read it ->
 *   netjail's own command line: its absolute path and the options, in canonical form ->
 *   a profile is loaded now, so a broken one is refused here rather than at each launch ->
 *   wrap -> write $XDG_DATA_HOME/applications/netjail-UPLINK-NAME.desktop: a temporary
 *   file beside it, fsync, rename, so a menu watching the directory sees the old launcher
 *   or the new one, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "desktop.h"
#include "link.h"
#include "log.h"
#include "nl.h"
#include "profile.h"
#include "textfile.h"
#include "util.h"

/* -i -g -p, 4 -d and 8 -P with their values, --no-ipv6, --allow-host, -v, the path, NULL. */
#define PREFIX_MAX_WORDS (1 + 2 * (3 + CLI_MAX_DNS + PUBLISH_MAX) + 3 + 1)

struct command_line {
	const char *words[PREFIX_MAX_WORDS];
	size_t count;
	char text[2 * PATH_MAX + 1024];	/* where the words live */
	size_t used;
};

/* Add one word.  0, or -ENAMETOOLONG: never a shortened word. */
static int add_word(struct command_line *cl, const char *word)
{
	size_t len = strlen(word);

	if (cl->count + 1 >= PREFIX_MAX_WORDS)
		return -E2BIG;
	if (len >= sizeof(cl->text) - cl->used)
		return -ENAMETOOLONG;
	memcpy(cl->text + cl->used, word, len + 1);
	cl->words[cl->count++] = cl->text + cl->used;
	cl->words[cl->count] = NULL;
	cl->used += len + 1;
	return 0;
}

/* Add an option and its value. */
static int add_option(struct command_line *cl, const char *option, const char *value)
{
	int err = add_word(cl, option);

	return err ? err : add_word(cl, value);
}

/* The absolute path of the running netjail, checked to still be the file that runs: after
 * an upgrade replaced it, /proc/self/exe names a deleted file (" (deleted)"). */
static int own_path(char *buf, size_t size)
{
	struct stat running, named;
	ssize_t n = readlink("/proc/self/exe", buf, size);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	if (stat("/proc/self/exe", &running) || stat(buf, &named))
		return -ESTALE;
	if (running.st_dev != named.st_dev || running.st_ino != named.st_ino)
		return -ESTALE;
	return 0;
}

/* The options of @opts as netjail would print them: the launcher runs from anywhere, so a
 * profile file is made absolute.  A named jail's launcher (@named: --name, or a profile's
 * name) joins the jail if it runs (--join-or-start): one more window in the same jail.  0,
 * or -errno with the reason in @why. */
static int build_command_line(const struct cli_options *opts, bool named, struct command_line *cl,
			      char *why, size_t why_len)
{
	char path[PATH_MAX], addr[INET_ADDRSTRLEN], shown[PATH_MAX];
	int err = own_path(path, sizeof(path));

	cl->count = cl->used = 0;
	if (err) {
		snprintf(why, why_len, err == -ESTALE ?
			 "netjail's own file has been replaced since it started (an upgrade?): run it again" :
			 "cannot find netjail's own path: %s", strerror(-err));
		return err;
	}
	err = add_word(cl, path);
	if (!err && opts->uplink)
		err = add_option(cl, "-i", opts->uplink);
	if (!err && opts->has_gateway)
		err = add_option(cl, "-g", opts->gateway_text);
	for (size_t i = 0; i < opts->dns_count && !err; i++)
		err = add_option(cl, "-d", opts->dns[i]);
	for (size_t i = 0; i < opts->publish_count && !err; i++) {
		const struct publish *p = &opts->publish[i];
		char spec[INET_ADDRSTRLEN + 32];

		snprintf(spec, sizeof(spec), "%s%s%u:%u/%s",
			 p->has_addr ? inet_ntop(AF_INET, &p->addr, addr, sizeof(addr)) : "",
			 p->has_addr ? ":" : "", p->host_port, p->jail_port,
			 p->proto == IPPROTO_UDP ? "udp" : "tcp");
		err = add_option(cl, "-P", spec);
	}
	if (!err && opts->profile && strchr(opts->profile, '/')) {
		if (!realpath(opts->profile, path)) {
			err = -errno;
			snprintf(why, why_len, "cannot find profile %s: %s",
				 printable_whole(opts->profile, shown, sizeof(shown)), strerror(-err));
			return err;
		}
		err = add_option(cl, "-p", path);
	} else if (!err && opts->profile) {
		err = add_option(cl, "-p", opts->profile);
	}
	if (!err && opts->no_ipv6)
		err = add_word(cl, "--no-ipv6");
	if (!err && opts->allow_host)
		err = add_word(cl, "--allow-host");
	if (!err && opts->name)
		err = add_option(cl, "--name", opts->name);
	if (!err && named)
		err = add_word(cl, "--join-or-start");
	if (!err && opts->verbose)
		err = add_word(cl, "-v");
	if (err)
		snprintf(why, why_len, "netjail's command line is too long for a launcher");
	return err;
}

/* $XDG_DATA_HOME, or ~/.local/share; a relative XDG_DATA_HOME is ignored, as the XDG Base
 * Directory Specification says. */
static int data_home(char *buf, size_t size)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const struct passwd *pw;
	int n;

	if (data && data[0] == '/') {
		n = snprintf(buf, size, "%s", data);
	} else {
		if (!home || home[0] != '/') {
			pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : "/nonexistent";
		}
		n = snprintf(buf, size, "%s/.local/share", home);
	}
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Read launcher @name: a path if it has a '/', else a desktop file ID ("steam.desktop";
 * ".desktop" is added if missing) looked up in $XDG_DATA_HOME/applications, then in each
 * $XDG_DATA_DIRS/applications.  Returns the text (its length in *@len, its path in @path),
 * or NULL with the reason in @why. */
static char *read_launcher(const char *name, char *path, size_t size, size_t *len,
			   char *why, size_t why_len)
{
	const char *dirs = getenv("XDG_DATA_DIRS"), *suffix = "";
	char home[PATH_MAX], looked[2048] = "", shown[72], path_shown[PATH_MAX];
	char *text = NULL, *list, *dir, *saveptr = NULL;
	size_t name_len = strlen(name);
	int n, err;

	path[0] = '\0';

	if (strchr(name, '/')) {
		n = snprintf(path, size, "%s", name);
		text = n >= 0 && (size_t)n < size ? text_file_read(path, DESKTOP_MAX_BYTES, len) : NULL;
		if (n < 0 || (size_t)n >= size)
			errno = ENAMETOOLONG;
		goto out;
	}
	if (name[0] == '.') {
		snprintf(why, why_len, "invalid launcher name '%s': give a desktop file ID such as "
			 "steam.desktop, or a path with a '/'", printable(name, shown, sizeof(shown)));
		return NULL;
	}
	if (name_len < 8 || strcmp(name + name_len - 8, ".desktop") != 0)
		suffix = ".desktop";
	if (data_home(home, sizeof(home))) {
		errno = ENAMETOOLONG;
		goto out;
	}
	if (!dirs || !dirs[0])
		dirs = "/usr/local/share:/usr/share";
	list = malloc(strlen(home) + strlen(dirs) + 2);
	if (!list)
		goto out;
	sprintf(list, "%s:%s", home, dirs);
	errno = ENOENT;
	for (dir = strtok_r(list, ":", &saveptr); dir; dir = strtok_r(NULL, ":", &saveptr)) {
		if (dir[0] != '/')
			continue;
		n = snprintf(path, size, "%s/applications/%s%s", dir, name, suffix);
		if (n < 0 || (size_t)n >= size)
			continue;
		snprintf(looked + strlen(looked), sizeof(looked) - strlen(looked), "%s%s/applications",
			 looked[0] ? ", " : "", printable_whole(dir, path_shown, sizeof(path_shown)));
		text = text_file_read(path, DESKTOP_MAX_BYTES, len);
		/* Not there, or a part of the path is no directory: try the next place. */
		if (text || (errno != ENOENT && errno != ENOTDIR))
			break;
	}
	err = errno;
	free(list);
	errno = err;
	if (!text && (errno == ENOENT || errno == ENOTDIR)) {
		snprintf(why, why_len, "no launcher '%s%s' in %s (for a file elsewhere, give a path "
			 "with a '/')", printable(name, shown, sizeof(shown)), suffix, looked);
		return NULL;
	}
out:
	if (!text)
		snprintf(why, why_len, "cannot read %s: %s",
			 printable_whole(path, path_shown, sizeof(path_shown)),
			 errno == EFBIG ? "larger than 64 KiB" :
			 errno == EINVAL ? "not a regular file" : strerror(errno));
	return text;
}

/* mkdir -p @path, 0755 (less the umask) for what is missing. */
static int make_dirs(char *path)
{
	struct stat st;

	for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			int err = -errno;

			if (slash)
				*slash = '/';
			return err;
		}
		if (!slash)
			break;
		*slash = '/';
	}
	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Write @len bytes of @text to @dest atomically: a temporary file created beside it (O_EXCL),
 * mode 0644, synced, then renamed over it.  0, or -errno with nothing left behind. */
static int write_atomically(const char *dir, const char *dest, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	int fd, err = 0, n = snprintf(tmp, sizeof(tmp), "%s/.netjail-XXXXXX", dir);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < len && !err;) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno != EINTR)
			err = -errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (!err && (fchmod(fd, 0644) || fsync(fd)))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, dest))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* The launcher's own name: its file name without ".desktop". */
static const char *launcher_name(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 8 && !strcmp(base + len - 8, ".desktop"))
		len -= 8;
	snprintf(buf, size, "%.*s", (int)len, base);
	return buf;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A launcher may be made for an uplink that comes later (a VPN, a USB modem): not refused,
 * but said, so that a typo shows now rather than at the first launch.  Asked of the kernel
 * (rtnetlink needs no privilege to list links); if it cannot be asked, nothing is said. */
static void warn_if_no_such_uplink(const char *uplink)
{
	struct link_info link;
	struct nl nl;
	int err;

	if (nl_open(&nl, NETLINK_ROUTE))
		return;
	err = link_find(&nl, uplink, &link);
	nl_close(&nl);
	if (err == -ENODEV)
		log_warning("there is no interface named '%s' at the moment: the launcher will fail "
			    "until there is", uplink);
}

int desktop_entry_install(const struct cli_options *opts)
{
	static struct profile profile;
	static struct command_line cl;
	char source[PATH_MAX], data[PATH_MAX], dir[PATH_MAX], dest[PATH_MAX], name[NAME_MAX + 1];
	char why[PATH_MAX + 512], shown[PATH_MAX];
	const char *uplink = opts->uplink;
	char *text = NULL, *copy = NULL;
	size_t len = 0, copy_len = 0;
	struct stat src_st, dest_st;
	int status = EXIT_NETJAIL_FAILED, err, n;

	text = read_launcher(opts->desktop_entry, source, sizeof(source), &len, why, sizeof(why));
	if (!text) {
		log_error("%s", why);
		return status;
	}
	log_verbose("launcher %s", printable_whole(source, shown, sizeof(shown)));
	if (opts->profile) {
		if (profile_load(opts->profile, &profile, why, sizeof(why))) {
			log_error("%s", why);
			goto out;
		}
		if (!uplink)
			uplink = profile.interface;
	}
	if (!uplink) {
		log_error("neither the command line nor the profile gives an uplink: pass -i IFACE");
		goto out;
	}
	if (build_command_line(opts, opts->name || (opts->profile && profile.name), &cl, why,
			       sizeof(why))) {
		log_error("%s", why);
		goto out;
	}
	err = desktop_wrap(text, len, cl.words, uplink, &copy, &copy_len, why, sizeof(why));
	if (err == -ENOMEM) {
		log_error("%s: out of memory", printable_whole(source, shown, sizeof(shown)));
		goto out;
	}
	if (err) {
		log_error("%s: %s", printable_whole(source, shown, sizeof(shown)), why);
		goto out;
	}

	launcher_name(source, name, sizeof(name));
	if (has_control(name) || !name[0] || name[0] == '.') {
		log_error("cannot name a launcher after '%s'", printable(name, shown, sizeof(shown)));
		goto out;
	}
	err = data_home(data, sizeof(data));
	if (!err) {
		n = snprintf(dir, sizeof(dir), "%s/applications", data);
		err = n < 0 || (size_t)n >= sizeof(dir) ? -ENAMETOOLONG : 0;
	}
	if (!err) {
		n = snprintf(dest, sizeof(dest), "%s/netjail-%s-%s.desktop", dir, uplink, name);
		err = n < 0 || (size_t)n >= sizeof(dest) ? -ENAMETOOLONG : 0;
	}
	if (err) {
		log_error("the path of the launcher to write is too long");
		goto out;
	}
	if (stat(source, &src_st) == 0 && stat(dest, &dest_st) == 0 &&
	    src_st.st_dev == dest_st.st_dev && src_st.st_ino == dest_st.st_ino) {
		log_error("%s is the launcher to wrap itself: not overwritten",
			  printable_whole(dest, shown, sizeof(shown)));
		goto out;
	}
	err = make_dirs(dir);
	if (!err)
		err = write_atomically(dir, dest, copy, copy_len);
	if (err) {
		log_error("cannot write %s: %s", printable_whole(dest, shown, sizeof(shown)), strerror(-err));
		goto out;
	}
	warn_if_no_such_uplink(uplink);
	/* The path alone, for scripts: netjail --desktop-entry ... | xargs gio launch */
	printf("%s\n", dest);
	status = 0;
out:
	free(copy);
	free(text);
	return status;
}
