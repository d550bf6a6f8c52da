# bash completion for netjail(1)                             -*- shell-script -*-
# shellcheck shell=bash
#
# netjail stops parsing its options at COMMAND (or at --), so from COMMAND on the words are
# COMMAND's and its own completion takes over (_command_offset, from bash-completion).
# Everything else works without bash-completion, so this file can also be sourced alone.

# Uplinks netjail accepts: links that are up (IFF_UP) and not loopback, as it checks itself,
# and not netjail's own jail links (nj<N>, and njgone<N> while one is being removed).
_netjail_uplinks() {
	ip -o link show up 2>/dev/null |
		awk -F': ' '$3 !~ /LOOPBACK/ { sub(/@.*/, "", $2); if ($2 !~ /^nj(gone)?[0-9]+$/) print $2 }'
}

# Profile names: *.conf in the directories netjail looks in (as it does, a relative
# XDG_CONFIG_HOME is ignored).
_netjail_profiles() {
	local dir f config=${XDG_CONFIG_HOME:-}
	[[ $config == /* ]] || config=$HOME/.config
	for dir in "$config/netjail/profiles" /etc/netjail/profiles \
		/usr/local/share/netjail/profiles /usr/share/netjail/profiles; do
		for f in "$dir"/*.conf; do
			[[ -f $f ]] || continue
			f=${f##*/}
			printf '%s\n' "${f%.conf}"
		done
	done
}

# Launchers for --desktop-entry: desktop file IDs where netjail looks them up
# ($XDG_DATA_HOME, then $XDG_DATA_DIRS; relative entries ignored).
_netjail_launchers() {
	local dir f data=${XDG_DATA_HOME:-} dirs
	[[ $data == /* ]] || data=$HOME/.local/share
	IFS=: read -ra dirs <<<"${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
	for dir in "$data" "${dirs[@]}"; do
		[[ $dir == /* ]] || continue
		for f in "$dir"/applications/*.desktop; do
			[[ -f $f ]] && printf '%s\n' "${f##*/}"
		done
	done
}

# _netjail_takes_arg WORD: WORD is an option whose argument is the next word (-i, --user,
# or a cluster ending in one, like -vi).
_netjail_takes_arg() {
	[[ $1 =~ ^(-[vhV]*[igdPpu]|--(interface|gateway|dns|publish|profile|user|desktop-entry|probe|stop|name|join))$ ]]
}

# _netjail_delegate INDEX: complete COMP_WORDS[INDEX...] as a command line of its own.
_netjail_delegate() {
	if declare -F _command_offset >/dev/null; then
		_command_offset "$1"
	elif (($1 == COMP_CWORD)); then
		mapfile -t COMPREPLY < <(compgen -c -- "${COMP_WORDS[COMP_CWORD]}")
	else
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
	fi
}

_netjail() {
	local cur=${COMP_WORDS[COMP_CWORD]} words=() start=() rest=$COMP_LINE w i
	local opt='' cmd=''
	COMPREPLY=()

	# bash also splits COMP_WORDS at COMP_WORDBREAKS, so -P 8080:80, -g fe80::1 and
	# --interface=wlan0 come in pieces; glue the pieces no blank separates back into the
	# words netjail will see.  start[k] is the COMP_WORDS index where words[k] begins.
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((i == 0)) || [[ $rest == [[:space:]]* ]]; then
			words+=("$w")
			start+=("$i")
		else
			words[-1]+=$w
		fi
		rest=${rest#"${rest%%[![:space:]]*}"}
		rest=${rest#"$w"}
	done

	# Walk netjail's options up to the word being completed, as getopt_long("+...") does.
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		w=${words[i]}
		if [[ -n $opt ]]; then
			opt=''
		elif [[ $w == -- ]]; then
			cmd=$((i + 1))
			break
		elif _netjail_takes_arg "$w"; then
			opt=$w
		elif [[ $w != -* ]]; then
			cmd=$i
			break
		fi
	done
	w=${words[-1]}
	if [[ -n $cmd ]]; then
		_netjail_delegate "${start[cmd]}"
		return
	elif [[ -z $opt && $w == --*=* ]]; then
		opt=${w%%=*}
		[[ $cur == = ]] && cur=''
	elif [[ -z $opt && $w == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '-i --interface -g --gateway -d --dns -P
			--publish -p --profile --no-ipv6 --allow-host -u --user -v --verbose -h --help -V --version
			--list --json --check --probe --stop --cleanup --desktop-entry --name --join
			--join-or-start' -- "$cur")
		return
	elif [[ -z $opt ]]; then
		_netjail_delegate "${start[-1]}"  # COMMAND itself
		return
	fi

	case $opt in
	-*i | --interface)
		mapfile -t COMPREPLY < <(compgen -W "$(_netjail_uplinks)" -- "$cur")
		;;
	-*p | --profile)
		if [[ $cur == */* ]]; then  # -p also takes a profile file
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_netjail_profiles)" -- "$cur")
		fi
		;;
	--desktop-entry)
		if [[ $cur == */* ]]; then  # a launcher file, else an ID
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.desktop' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_netjail_launchers)" -- "$cur")
		fi
		;;
	-*u | --user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		;;
	--stop)  # the running jails' links, and the names of the user's own
		mapfile -t COMPREPLY < <(compgen -W "$(ip -o link show 2>/dev/null |
			sed -nE 's/^[0-9]+: (nj[0-9]+)[@:].*/\1/p'
			netjail --list-names 2>/dev/null)" -- "$cur")
		;;
	--join)  # the names of the user's running jails
		mapfile -t COMPREPLY < <(compgen -W "$(netjail --list-names 2>/dev/null)" -- "$cur")
		;;
	esac  # -g, -d, -P, --probe: addresses and ports, nothing to offer
} && complete -F _netjail netjail
