#!/bin/bash
# t-list.sh - netjail --list: with no jail, nothing on stdout (and [] with --json); with two
# jails on different uplinks, a table whose columns line up whatever the values, JSON that
# parses, with the right pids, uplinks, addresses and counters (integers as root, unknown
# without CAP_NET_ADMIN), a jail's traffic counted, and command lines kept safe: '?' in the
# table, escaped in JSON so that every argument comes back exactly (bytes that are not UTF-8
# as U+FFFD).
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

have_python=false
command -v python3 >/dev/null && python3 -c 'import json' 2>/dev/null && have_python=true
no_python() { skip "$1" "python3 is not installed"; }

# aligned TABLE: on every line, text columns start where their heading starts and numbers end
# where theirs ends, each two spaces or more from the column before.
aligned() {
	local header line heading prefix start end
	header=$(head -n 1 <<<"$1")
	while IFS= read -r line; do
		for heading in JAIL UPLINK ADDRESS PROCS NAME COMMAND; do
			prefix=${header%%"$heading"*}
			start=${#prefix}
			[[ ${line:start-2:2} == "  " && ${line:start:1} != " " ]] || return 1
		done
		for heading in PID OUT-PKTS OUT-BYTES DROPPED; do
			prefix=${header%%"$heading"*}
			end=$((${#prefix} + ${#heading}))
			[[ ${line:end-1:1} != " " && ${line:end:2} == "  " ]] || return 1
		done
	done <<<"$1"
}

# jail_address VETH: the jail's address is the one after its host veth's (the /30's .2).
jail_address() {
	local host
	host=$(ip -o -4 addr show dev "$1" | awk '{print $4}')
	host=${host%/*}
	echo "${host%.*}.$((${host##*.} + 1))"
}

# field PID N: field N of PID's line of the table in $table.
field() { awk -v pid="$1" -v n="$2" '$1 == pid {print $n}' <<<"$table"; }

# py EXPR: EXPR evaluated on the JSON in $LAB_TMP/list.json, with `jails` the array, `a` and
# `b` the objects of the two jails (by pid) and `tricky` the argument as bash passed it.
py() {
	python3 -c '
import json, os, sys
jails = json.load(open(sys.argv[1], encoding="utf-8"))
by_pid = {j["pid"]: j for j in jails}
a, b = by_pid.get(int(sys.argv[2]), {}), by_pid.get(int(sys.argv[3]), {})
tricky = os.fsencode(sys.argv[4]).decode("utf-8")
print(eval(sys.argv[5]))' "$LAB_TMP/list.json" "$a" "$b" "$tricky" "$1" 2>&1
}

# no_controls FILE: not one control byte (newlines aside) in FILE.
no_controls() { ! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1"; }

# ---- no jail
out=$(nj --list 2>"$LAB_TMP/err"); rc=$?
is "$rc|$out|$(cat "$LAB_TMP/err")" "0||" "no jail: --list exits 0 and prints nothing, not even a header"
out=$(nj --list --json 2>&1); rc=$?
is "$rc|$out" "0|[]" "no jail: --list --json prints [] and exits 0"
if command -v script >/dev/null; then
	out=$(script -qec "$(printf '%q --list' "$NETJAIL")" /dev/null </dev/null 2>&1 | tr -d '\r')
	is "$out" "netjail: no jail is running" "no jail, on a terminal: one line says so"
else
	skip "no jail, on a terminal: one line says so" "script(1) is not installed"
fi

# ---- two jails: one on up0 with awkward arguments, one on up1 that sends something
# The jails outlast the checks, also in an emulated guest (NJ_SLOW); they are ended below.
long=$((30 * ${NJ_SLOW:-1}))
tricky=$'say "hi" \\ \e[31m\tred \xc3\xa9'
nj_bg -i up0 -- sh -c "sleep $long" "$tricky" '' $'bad\xffbyte' $'\xc2\x9b' \
	>/dev/null 2>&1 </dev/null
a=$NJ_PID
nj_bg -i up1 -g 198.51.100.1 -- sh -c 'socat -T3 -t3 - TCP:203.0.113.10:7 </dev/null; sleep '"$long" \
	>"$LAB_TMP/b.out" 2>&1 </dev/null
b=$NJ_PID
if ! wait_for 10 jail_links_at_least 2 || ! wait_for 10 grep -qx 198.51.100.2 "$LAB_TMP/b.out"; then
	not_ok "two jails came up and the one on up1 reached the server"
	diag "$(cat "$LAB_TMP/b.out")"
	kill -TERM "$a" "$b"
	tap_done
fi

table=$(nj --list 2>&1); rc=$?
is "$rc $(wc -l <<<"$table")" "0 3" "--list exits 0 with a header and one line per jail"
read -ra headings <<<"$(head -n 1 <<<"$table")"
is "${headings[*]}" "PID JAIL UPLINK ADDRESS OUT-PKTS OUT-BYTES DROPPED PROCS NAME COMMAND" "... under the 10 headings"
check "... in columns that line up (text from their heading's start, numbers to its end)" aligned "$table"
is "$(field "$a" 3) $(field "$b" 3)" "up0 up1" "... the up0 jail and the up1 jail by their pids"
is "$(field "$a" 4) $(field "$b" 4)" "$(jail_address "$(field "$a" 2)") $(jail_address "$(field "$b" 2)")" \
	"... each with its jail's address"
check "... counters as integers (root)" \
	grep -qE '^ *[0-9]+ +nj[0-9]+ +up[01] +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+  [0-9]+:[0-9,]+ +- +/' <<<"$table"
check "... and each jail's processes, COUNT:PID,... ($(field "$a" 8), $(field "$b" 8))" \
	grep -qE '^[1-9][0-9]*:[0-9]+' <<<"$(field "$a" 8)"
check "... the up1 jail's traffic counted (OUT-PKTS $(field "$b" 5) > 0)" test "$(field "$b" 5)" -gt 0
check "... its arguments shown with every control and non-ASCII byte as '?'" \
	grep -qF -- '-- sh -c sleep '"$long"' say "hi" \ ?[31m?red ??  bad?byte ??' <<<"$table"
printf '%s\n' "$table" >"$LAB_TMP/table"
check "... and nothing but printable ASCII in the table" fails env LC_ALL=C grep -q '[^ -~]' "$LAB_TMP/table"
[[ $TAP_FAILED -eq 0 ]] || diag "$table"

nj --list --json >"$LAB_TMP/list.json" 2>&1; rc=$?
is "$rc" 0 "--list --json exits 0"
check "... without a control byte in its output" no_controls "$LAB_TMP/list.json"
if $have_python; then
	check "... valid JSON for python3 -m json.tool" quiet python3 -m json.tool "$LAB_TMP/list.json"
	is "$(py 'sorted(j["pid"] for j in jails) == sorted([int(x) for x in sys.argv[2:4]])')" True \
		"... one object per jail, by its netjail's pid"
	is "$(py '(a["uplink"], b["uplink"])')" "('up0', 'up1')" "... their uplinks"
	is "$(py '(a["jail"], a["address"], b["jail"], b["address"])')" \
		"('$(field "$a" 2)', '$(field "$a" 4)', '$(field "$b" 2)', '$(field "$b" 4)')" \
		"... their links and addresses, as in the table"
	is "$(py 'all(type(j[k]) is int for j in jails for k in ("out_packets", "out_bytes", "dropped"))')" \
		True "... counters as integers (root)"
	is "$(py 'b["out_packets"] > 0 and b["out_bytes"] >= 40 * b["out_packets"]')" True \
		"... the up1 jail's traffic counted ($(py 'b["out_packets"], b["out_bytes"]'))"
	is "$(py 'a["command"][1:] == ["-i", "up0", "--", "sh", "-c", "sleep '"$long"'", tricky, "", "bad\ufffdbyte", "\x9b"]')" \
		True "... netjail's command line as an array, a non-UTF-8 byte as U+FFFD ($(py 'a["command"][1:]'))"
	is "$(py 'a["command"][-4] == tricky and a["command"][-1] == "\x9b"')" True \
		"... the quote, backslash, escape, tab, é and the C1 control round-trip exactly"
	is "$(py 'b["command"][-3:]')" \
		"['sh', '-c', 'socat -T3 -t3 - TCP:203.0.113.10:7 </dev/null; sleep $long']" "... the other jail's too"
	[[ $TAP_FAILED -eq 0 ]] || diag "$(cat "$LAB_TMP/list.json")"
else
	for t in "valid JSON" pids uplinks addresses counters traffic commands round-trip "other command"; do
		no_python "--json: $t"
	done
fi

# ---- without CAP_NET_ADMIN (a copy installed without privilege, run by uid 65534)
mkdir -p /run/njplain
cp "$NETJAIL" /run/njplain/netjail
chmod 0755 /run/njplain/netjail
# setpriv keeps root's permitted set across its uid change; the exec of sh empties it.
nobody() {
	timeout -k 3 $((30 * ${NJ_SLOW:-1})) setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c 'exec "$@"' sh "$@"
}
table=$(nobody /run/njplain/netjail --list 2>&1)
is "$(field "$a" 5)/$(field "$a" 6)/$(field "$a" 7) $(field "$b" 5)/$(field "$b" 6)/$(field "$b" 7)" \
	"-/-/- -/-/-" "unprivileged --list: counters unknown, shown as '-'"
check "... in columns that still line up" aligned "$table"
nobody /run/njplain/netjail --list --json >"$LAB_TMP/list.json" 2>&1
if $have_python; then
	is "$(py '[(j["out_packets"], j["out_bytes"], j["dropped"]) for j in (a, b)]')" \
		"[(None, None, None), (None, None, None)]" "... and null in JSON"
	is "$(py 'a["command"][-4] == tricky')" True "... where the caller still reads the commands"
else
	no_python "... and null in JSON"
	no_python "... where the caller still reads the commands"
fi

# ---- the jails end
kill -TERM "$a" "$b"
finish "$a" 5; ra=$RC
finish "$b" 5; rb=$RC
is "$ra $rb" "143 143" "both jails end on SIGTERM"
wait_for 3 no_jail_links
is "$(nj --list 2>&1)|$(nj --list --json 2>&1)" "|[]" "once they ended: an empty --list, and []"
assert_host_unchanged "$before"
tap_done
