# fish completion for netjail(1)
#
# netjail stops parsing its options at COMMAND (or at --), so from COMMAND on the words are
# COMMAND's and its own completions take over, the way fish's sudo completion does it.

# COMMAND and its arguments, NUL-separated, if the line has got that far; fails otherwise.
function __netjail_command
    set -l tokens (commandline -opc) (commandline -ct)
    set -e tokens[1]
    # argparse -s stops at the first non-option, as netjail's getopt_long("+...") does.
    argparse -s i/interface= g/gateway= d/dns= P/publish= p/profile= u/user= \
        v/verbose h/help V/version no-ipv6 allow-host list json check probe= stop= cleanup desktop-entry= \
        name= join= join-or-start list-names -- $tokens 2>/dev/null
    or return 1
    test -n "$argv"; and string join0 -- $argv
end

function __netjail_complete_command
    set -l args (__netjail_command | string split0)
    if string match -q -- '-*' $args[1]
        return # "-- -x": no command starts with -, and complete -C would take it for an option
    else if set -q args[1]
        __fish_complete_subcommand --commandline $args
    else
        # An empty word where COMMAND goes: any command.  (Given no words, the helper would
        # look for COMMAND in the line itself, and take -i's argument for it.)
        complete -C ''
    end
end

# Uplinks netjail accepts: links that are up (IFF_UP) and not loopback, as it checks itself,
# and not netjail's own jail links (nj<N>, and njgone<N> while one is being removed).
function __netjail_uplinks
    ip -o link show up 2>/dev/null | string match -rv '^\d+: [^:]+: <[^>]*LOOPBACK' |
        string replace -r '^\d+: ([^:@]+).*' '$1' | string match -rv '^nj(gone)?\d+$'
end

# Profile names: *.conf in the directories netjail looks in (as it does, a relative
# XDG_CONFIG_HOME is ignored); a word with a / is a file.
function __netjail_profiles
    set -l token (commandline -ct)
    if string match -q '*/*' -- $token
        __fish_complete_path $token
        return
    end
    set -l config $HOME/.config
    string match -q '/*' -- "$XDG_CONFIG_HOME"; and set config $XDG_CONFIG_HOME
    for file in $config/netjail/profiles/*.conf /etc/netjail/profiles/*.conf \
            /usr/local/share/netjail/profiles/*.conf /usr/share/netjail/profiles/*.conf
        string replace -r '.*/(.*)\.conf$' '$1' -- $file
    end
end

# Launchers for --desktop-entry: desktop file IDs where netjail looks them up ($XDG_DATA_HOME,
# then $XDG_DATA_DIRS; relative entries ignored); a word with a / is a file.
function __netjail_launchers
    set -l token (commandline -ct | string replace -r -- '^--desktop-entry=' '')
    if string match -q '*/*' -- $token
        # Directories and launchers only.
        __fish_complete_path $token | string match -r -- '^[^\t]*(?:/|\.desktop)(?:\t.*)?$'
        return
    end
    set -l data $HOME/.local/share
    string match -q '/*' -- "$XDG_DATA_HOME"; and set data $XDG_DATA_HOME
    set -l dirs /usr/local/share /usr/share
    set -q XDG_DATA_DIRS[1]; and test -n "$XDG_DATA_DIRS"; and set dirs (string split : -- "$XDG_DATA_DIRS")
    for dir in $data $dirs
        string match -q '/*' -- $dir; or continue
        for file in $dir/applications/*.desktop
            test -f $file; and string replace -r '.*/' '' -- $file
        end
    end
end

set -l opts 'not __netjail_command >/dev/null'
complete -c netjail -n $opts -s i -l interface -x -a '(__netjail_uplinks)' -d 'Uplink the traffic must leave by'
complete -c netjail -n $opts -s g -l gateway -x -d 'Next hop on that uplink'
complete -c netjail -n $opts -s d -l dns -x -d 'Nameserver for the jail'
complete -c netjail -n $opts -s P -l publish -x -d 'Forward [ADDR:]HOSTPORT:JAILPORT[/tcp|udp] into the jail'
complete -c netjail -n $opts -s p -l profile -x -a '(__netjail_profiles)' -d 'Options from a profile'
complete -c netjail -n $opts -s u -l user -x -a '(__fish_complete_users)' -d 'Run COMMAND as USER'
complete -c netjail -n $opts -s v -l verbose -d 'Say what is set up and torn down'
complete -c netjail -n $opts -s h -l help -d 'Show the help'
complete -c netjail -n $opts -s V -l version -d 'Show the version'
complete -c netjail -n $opts -l no-ipv6 -d 'No IPv6 in the jail'
complete -c netjail -n $opts -l allow-host -d "Let the command reach the host's own services"
complete -c netjail -n $opts -l list -d 'Show the running jails'
complete -c netjail -n $opts -l json -d 'With --list: as JSON'
complete -c netjail -n $opts -l check -d 'With -i: tell whether a jail on it would work'
complete -c netjail -n $opts -l probe -x -d 'With --check: ADDR:PORT the throwaway jail connects to'
complete -c netjail -n $opts -l stop -x -a '(netjail --list-names 2>/dev/null)' -d 'End every program of a jail (its name or PID in --list)'
complete -c netjail -n $opts -l name -x -d 'Name the jail, so that more programs can join it'
complete -c netjail -n $opts -l join -x -a '(netjail --list-names 2>/dev/null)' -d 'Run COMMAND in your running jail NAME'
complete -c netjail -n $opts -l join-or-start -d 'With --name: join that jail if it runs, else start it'
complete -c netjail -n $opts -l cleanup -d 'Remove what dead jails left behind'
complete -c netjail -n $opts -l desktop-entry -x -a '(__netjail_launchers)' -d 'Write a launcher that runs its program in a jail'
# COMMAND, then COMMAND's own completions.
complete -c netjail -x -a '(__netjail_complete_command)'
