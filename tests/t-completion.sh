#!/bin/bash
# t-completion.sh - the shell completions in completions/: netjail's options, -i's uplinks (up,
# not loopback), -p's profiles, -u's users, and from COMMAND on COMMAND's own completion.
# bash always; the check that needs bash-completion, and zsh and fish, skip when not installed.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"

comp_dir=$(cd "$LAB_DIR/../completions" && pwd)
bash_completion=/usr/share/bash-completion/bash_completion

# Known links: up0 and up1 up, their peers dn0 and dn1 down, lo up but loopback; jail links.
ip link set lo up
ip link add up0 type veth peer name dn0
ip link add up1 type veth peer name dn1
ip link set up0 up
ip link set up1 up
# netjail's own jail links, up, are no uplinks (nj<N>, njgone<N>); njord is somebody's.
ip link add nj7 type veth peer name njgone12
ip link set nj7 up
ip link set njgone12 up
ip link add njord type veth peer name njord-p
ip link set njord up

# Profiles: the user's (steam, torrent), /etc's (office) and a work.conf in ~/.config that only
# counts when XDG_CONFIG_HOME is unset or not absolute.  /etc is the lab's own (an overlay);
# /usr's profile directories, if any, are hidden.
export HOME=$LAB_TMP/home XDG_CONFIG_HOME=$LAB_TMP/config
profiles=$XDG_CONFIG_HOME/netjail/profiles
mkdir -p "$profiles" "$HOME/.config/netjail/profiles"
touch "$profiles/steam.conf" "$profiles/torrent.conf" "$profiles/notes.txt" \
	"$HOME/.config/netjail/profiles/work.conf"
lab_writable_etc || { echo "Bail out! no writable /etc in the lab"; exit 1; }
mkdir -p /etc/netjail/profiles && touch /etc/netjail/profiles/office.conf
# A user with no group of the same name, for -u (the lab's /etc only).
echo 'njuser:x:4242:4242::/nonexistent:/usr/sbin/nologin' >>/etc/passwd
for d in /usr/local/share/netjail/profiles /usr/share/netjail/profiles; do
	[[ -d $d ]] && mount -t tmpfs tmpfs "$d"
done

# Every option `netjail --help` lists, sorted.
if [[ -x $NETJAIL ]]; then
	help_opts=$("$NETJAIL" --help | grep -E '^ +-' | grep -oE -- '(^|[ [])--?[a-zA-Z0-9-]+' |
		tr -d ' [' | sort -u | paste -sd ' ')
else
	help_opts=
fi

# netjail on PATH as the completions call it: a stand-in whose --list-names prints the user's
# running jails' names (t-named.sh tests the real one).
mkdir -p "$LAB_TMP/bin"
printf '#!/bin/sh\n[ "$1" = --list-names ] && printf "vpn\\nwork\\n"\n' >"$LAB_TMP/bin/netjail"
chmod +x "$LAB_TMP/bin/netjail"
export PATH=$LAB_TMP/bin:$PATH

# has LIST WORD / lacks LIST WORD: whether the space-separated LIST contains WORD.
has()   { [[ " $1 " == *" $2 "* ]]; }
lacks() { ! has "$@"; }

# ---------------------------------------------------------------------------- bash

# bash_complete LINE [PRELOAD]: the completions netjail's bash completion offers at the end of
# LINE, sorted, on one line.  COMP_WORDS is split as bash splits it: at blanks, and around
# runs of = and : (COMP_WORDBREAKS), with an empty last word after a blank.  PRELOAD is sourced
# first (bash-completion).  The function called is the one `complete -p netjail` names.
bash_complete() {
	bash --norc --noprofile -c '
		[[ -n $2 ]] && . "$2"
		. "$1" || exit 1
		func=$(complete -p netjail | sed -nE "s/.* -F ([^ ]+) .*/\1/p")
		COMP_LINE=$3 COMP_POINT=${#3}
		read -ra COMP_WORDS <<<"$(sed -E "s/([=:]+)/ \1 /g" <<<"$3")"
		[[ $3 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		"$func" netjail "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash_complete "$comp_dir/netjail.bash" "${2:-}" "$1" 2>&1 | sort | paste -sd ' '
}

is "$(bash --norc --noprofile -c '. "$1"; complete -p netjail' - "$comp_dir/netjail.bash" 2>&1)" \
	"complete -F _netjail netjail" "bash: sourcing netjail.bash registers _netjail for netjail"
is "$(bash_complete 'netjail --in')" "--interface" "bash: netjail --in<TAB> -> --interface"
if [[ -n $help_opts ]]; then
	is "$(bash_complete 'netjail -')" "$help_opts" "bash: netjail -<TAB> -> every option of --help"
else
	skip "bash: netjail -<TAB> -> every option of --help" "no netjail binary at $NETJAIL"
fi
is "$(bash_complete 'netjail -i ')" "njord up0 up1" "bash: -i <TAB> -> the links that are up, not dn0/dn1/lo nor the jail links nj7/njgone12"
is "$(bash_complete 'netjail --interface=')" "njord up0 up1" "bash: --interface=<TAB> -> the uplinks"
is "$(bash_complete 'netjail -vi up')" "up0 up1" "bash: -vi up<TAB> -> the uplinks"
is "$(bash_complete 'netjail -g 192.0.2.1 -P 127.0.0.1:8080:80/tcp -d fe80::1 -i u')" "up0 up1" \
	"bash: -i after arguments with : (split by bash) -> the uplinks"
is "$(bash_complete 'netjail -p ')" "office steam torrent" \
	"bash: -p <TAB> -> profiles of \$XDG_CONFIG_HOME and /etc, not notes.txt"
is "$(XDG_CONFIG_HOME=relative bash_complete 'netjail --profile ')" "office work" \
	"bash: with a relative XDG_CONFIG_HOME (ignored), profiles of ~/.config"
is "$(bash_complete "netjail -p $profiles/st")" "$profiles/steam.conf" "bash: -p DIR/st<TAB> -> the file"
is "$(bash_complete 'netjail -u nju')" njuser "bash: -u nju<TAB> -> the user njuser"
is "$(bash_complete 'netjail --join ')" "vpn work" "bash: --join <TAB> -> the names of the user's running jails"
is "$(bash_complete 'netjail -g ')" "" "bash: -g <TAB> -> nothing"
check "bash: -i up0 <TAB> -> commands" has "$(bash_complete 'netjail -i up0 ')" unshare
check "bash: COMMAND<TAB> -> commands" has "$(bash_complete 'netjail -i up0 unsha')" unshare
check "bash: -- COMMAND<TAB> -> commands" has "$(bash_complete 'netjail -v -- unsha')" unshare
is "$(bash_complete 'netjail -v -- --in')" "" "bash: after --, netjail's options are not offered"
check "bash: after COMMAND netjail's options are not offered" \
	lacks "$(bash_complete 'netjail -i up0 ls --')" --interface
if [[ -f $bash_completion ]]; then
	out=$(bash_complete 'netjail -i up0 ls --' "$bash_completion")
	if has "$out" --all && lacks "$out" --interface; then
		ok "bash: netjail -i up0 ls --<TAB> -> ls's options (with bash-completion)"
	else
		not_ok "bash: netjail -i up0 ls --<TAB> -> ls's options (with bash-completion)"
		diag "want --all and not --interface, got: $out"
	fi
	check "bash: ... -- ls --<TAB> -> ls's options" \
		has "$(bash_complete 'netjail -d ::1 -- ls --al' "$bash_completion")" --all
else
	skip "bash: netjail -i up0 ls --<TAB> -> ls's options" "package bash-completion not installed"
	skip "bash: ... -- ls --<TAB> -> ls's options" "package bash-completion not installed"
fi

# ---------------------------------------------------------------------------- zsh

# zsh_complete LINE: the matches zsh's completion system adds at the end of LINE, sorted, on one
# line.  Completion needs ZLE, so an interactive zsh runs in a pty (zsh/zpty), with completions/
# first in fpath and compadd wrapped to print what it adds; it exits when completion is done.
cat >"$LAB_TMP/zcomp-rc.zsh" <<'EOF'
PS1='' RPROMPT=''
fpath=($ZCOMP_DIR $fpath)
# One dump for all the test's completions: the first writes it, the others load it (-C: no
# rescan of fpath, the slowest part in an emulated guest, 9p and TCG).
autoload -Uz compinit && compinit -u -C -d "$ZCOMP_DUMP"
compadd() {
	local -a hits
	# Calls with -O, -A or -D only ask for matches; the others add them.
	if [[ ${@[1,(i)(-|--)]} != *-(O|A|D)\ * ]]; then
		builtin compadd -A hits "$@"
		print -rn -- ${(j::)hits/#/$'\n<hit>'}
	fi
	builtin compadd "$@"
}
comppostfuncs=(zcomp_done)
zcomp_done() { print -r -- $'\n<done>'; exit; }
print -r -- '<''ready>'
EOF
cat >"$LAB_TMP/zcomp.zsh" <<'EOF'
zmodload zsh/zpty || exit 2
export ZCOMP_DIR=$1 ZCOMP_DUMP=${0:h}/zcompdump
zpty z TERM=xterm zsh -f -i
zpty -w z "source ${(q)0:h}/zcomp-rc.zsh"
local line
while zpty -r z line; do [[ $line == *'<ready>'* ]] && break; done
zpty -w -n z "$2"$'\t'
while zpty -r z line; do
	line=${line%$'\n'}; line=${line%$'\r'}
	[[ $line == '<hit>'* ]] && print -r -- ${line#<hit>}
	[[ $line == *'<done>'* ]] && break
done
zpty -d z
EOF
zsh_complete() {
	# A bound for a hung zsh; in an emulated guest (NJ_SLOW) compinit alone takes longer.
	timeout $((20 * ${NJ_SLOW:-1})) zsh -f "$LAB_TMP/zcomp.zsh" "$comp_dir" "$1" 2>&1 | sort -u | paste -sd ' '
}

if command -v zsh >/dev/null; then
	check "zsh: _netjail parses (zsh -n)" zsh -n "$comp_dir/_netjail"
	is "$(zsh_complete 'netjail --in')" "--interface" "zsh: netjail --in<TAB> -> --interface"
	if [[ -n $help_opts ]]; then
		is "$(zsh_complete 'netjail -')" "$help_opts" "zsh: netjail -<TAB> -> every option of --help"
	else
		skip "zsh: netjail -<TAB> -> every option of --help" "no netjail binary at $NETJAIL"
	fi
	is "$(zsh_complete 'netjail -i ')" "njord up0 up1" "zsh: -i <TAB> -> the links that are up, not dn0/dn1/lo nor the jail links nj7/njgone12"
	is "$(zsh_complete 'netjail -d fe80::1 --interface=')" "njord up0 up1" "zsh: --interface=<TAB> -> the uplinks"
	is "$(zsh_complete 'netjail -p ')" "office steam torrent" "zsh: -p <TAB> -> the profiles"
	is "$(XDG_CONFIG_HOME=relative zsh_complete 'netjail -p ')" "office work" \
		"zsh: with a relative XDG_CONFIG_HOME, profiles of ~/.config"
	is "$(zsh_complete "netjail -p $profiles/st")" "steam.conf" "zsh: -p DIR/st<TAB> -> the file"
	is "$(zsh_complete 'netjail -u nju')" njuser "zsh: -u nju<TAB> -> the user njuser"
	is "$(zsh_complete 'netjail --join ')" "vpn work" "zsh: --join <TAB> -> the names of the user's running jails"
	check "zsh: -i up0 <TAB> -> commands" has "$(zsh_complete 'netjail -i up0 ')" unshare
	check "zsh: COMMAND<TAB> -> commands" has "$(zsh_complete 'netjail -i up0 unsha')" unshare
	check "zsh: -- COMMAND<TAB> -> commands" has "$(zsh_complete 'netjail -v -- unsha')" unshare
	is "$(zsh_complete 'netjail -v -- --in')" "" "zsh: after --, netjail's options are not offered"
	out=$(zsh_complete 'netjail -i up0 ls --')
	if has "$out" --all && lacks "$out" --interface; then
		ok "zsh: netjail -i up0 ls --<TAB> -> ls's options, not netjail's"
	else
		not_ok "zsh: netjail -i up0 ls --<TAB> -> ls's options, not netjail's"
		diag "want --all and not --interface, got: $out"
	fi
else
	skip "zsh: completion" "package zsh not installed"
fi

# ---------------------------------------------------------------------------- fish

# fish_complete LINE: fish's completions at the end of LINE (complete -C), without their
# descriptions, sorted, on one line.  (Not --no-config: that leaves out fish's own completions,
# ls's among them; HOME and XDG_CONFIG_HOME are the test's.)
fish_complete() {
	# shellcheck disable=SC2016  # $argv is fish's
	fish -c 'source $argv[1]; and complete -C $argv[2]' "$comp_dir/netjail.fish" "$1" \
		2>&1 | cut -f1 | sort -u | paste -sd ' '
}

if command -v fish >/dev/null; then
	check "fish: netjail.fish parses (fish --no-execute)" fish --no-execute "$comp_dir/netjail.fish"
	is "$(fish_complete 'netjail --in')" "--interface" "fish: netjail --in<TAB> -> --interface"
	if [[ -n $help_opts ]]; then
		is "$(fish_complete 'netjail -')" "$help_opts" "fish: netjail -<TAB> -> every option of --help"
	else
		skip "fish: netjail -<TAB> -> every option of --help" "no netjail binary at $NETJAIL"
	fi
	is "$(fish_complete 'netjail -i ')" "njord up0 up1" "fish: -i <TAB> -> the links that are up, not dn0/dn1/lo nor the jail links nj7/njgone12"
	is "$(fish_complete 'netjail -d fe80::1 --interface=')" "--interface=njord --interface=up0 --interface=up1" \
		"fish: --interface=<TAB> -> the uplinks"
	is "$(fish_complete 'netjail -p ')" "office steam torrent" "fish: -p <TAB> -> the profiles"
	is "$(XDG_CONFIG_HOME=relative fish_complete 'netjail -p ')" "office work" \
		"fish: with a relative XDG_CONFIG_HOME, profiles of ~/.config"
	is "$(fish_complete "netjail -p $profiles/st")" "$profiles/steam.conf" "fish: -p DIR/st<TAB> -> the file"
	is "$(fish_complete 'netjail -u nju')" njuser "fish: -u nju<TAB> -> the user njuser"
	is "$(fish_complete 'netjail --join ')" "vpn work" "fish: --join <TAB> -> the names of the user's running jails"
	check "fish: -i up0 <TAB> -> commands" has "$(fish_complete 'netjail -i up0 ')" unshare
	check "fish: COMMAND<TAB> -> commands" has "$(fish_complete 'netjail -i up0 unsha')" unshare
	check "fish: -- COMMAND<TAB> -> commands" has "$(fish_complete 'netjail -v -- unsha')" unshare
	is "$(fish_complete 'netjail -v -- --in')" "" "fish: after --, netjail's options are not offered"
	out=$(fish_complete 'netjail -i up0 ls --')
	if has "$out" --all && lacks "$out" --interface; then
		ok "fish: netjail -i up0 ls --<TAB> -> ls's options, not netjail's"
	else
		not_ok "fish: netjail -i up0 ls --<TAB> -> ls's options, not netjail's"
		diag "want --all and not --interface, got: $out"
	fi
else
	skip "fish: completion" "package fish not installed"
fi

tap_done
