/* desktopfile.c - placeholder until --desktop-entry is written. */
#include "desktop.h"
#include "log.h"

int desktop_entry_install(const struct cli_options *opts)
{
	(void)opts;
	log_error("--desktop-entry is not written yet");
	return EXIT_NETJAIL_FAILED;
}
