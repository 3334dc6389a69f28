#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's bash completion: the completion function runs on COMP_WORDS
# split as bash splits them (at "=" and ":"), and COMPREPLY is compared
# with what it must offer.  Its options are those of `lbhealthd -h`.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 36

hc=$NFLB_TOP/build/lbhealthd
dir=$(cd "$(dirname "$0")" && pwd)

. "$NFLB_TOP/userspace/lbhealthd/lbhealthd.bash-completion"

# complete LINE: run the completion function on LINE (the cursor at its
# end; a trailing space starts a new word); the sorted offers on stdout.
complete_line() {
	local line=$1 w seg
	local -a parts
	COMP_WORDS=()
	read -r -a parts <<< "$line"
	for w in "${parts[@]}"; do
		# bash makes a word of each run of "=" or ":" and of what is
		# between.
		while [ -n "$w" ]; do
			if [[ $w == [=:]* ]]; then
				seg=${w%%[!=:]*}
			else
				seg=${w%%[=:]*}
			fi
			COMP_WORDS+=("$seg")
			w=${w#"$seg"}
		done
	done
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	_lbhealthd lbhealthd "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' '
}

# offers DESCRIPTION LINE WANT: completing LINE offers WANT (sorted).
offers() {
	local desc=$1 line=$2 want=$3 got

	got=$(complete_line "$line")
	if [ "$got" = "$want" ]; then
		ktap_result "$desc" 0
	else
		diag "'$line': offered '$got', want '$want'"
		ktap_result "$desc" 1
	fi
}

self=$dir/hc_completion.sh

offers "the commands" "lbhealthd " "drain drain-node flush-routes status undrain undrain-node"
offers "the command by prefix" "lbhealthd st" "status"
offers "options" "lbhealthd -" \
	"--config --foreground --help --socket --test --verbose --version --withdraw -V -c -f -h -s -t -v -w"
offers "long options" "lbhealthd --c" "--config"
offers "-c: a file" "lbhealthd -c ${self%.sh}.s" "$self"
offers "--config: a file" "lbhealthd --config ${self%.sh}.s" "$self"
offers "--config=: a file" "lbhealthd --config=${self%.sh}.s" "$self"
offers "-s: a file (the socket)" "lbhealthd -s ${self%.sh}.s" "$self"
offers "--socket=: a file" "lbhealthd -f --socket=${self%.sh}.s" "$self"
offers "options given once" "lbhealthd -f -" \
	"--config --socket --test --verbose --withdraw -c -s -t -v -w"
offers "an option given once in either form, its value skipped" \
	"lbhealthd --foreground -c /etc/nflb/x.conf -" \
	"--socket --test --verbose --withdraw -s -t -v -w"
offers "a value looking like the command is a value" \
	"lbhealthd -s status -" \
	"--config --foreground --test --verbose --withdraw -c -f -t -v -w"
offers "no command after a daemon option" "lbhealthd -f " ""
offers "the commands after -c FILE" "lbhealthd -c /etc/nflb/x.conf " "drain drain-node flush-routes status undrain undrain-node"
offers "the commands after -s SOCKET" "lbhealthd -s /run/x.sock " "drain drain-node flush-routes status undrain undrain-node"
offers "the commands after --socket=SOCKET" "lbhealthd --socket=/run/x.sock " "drain drain-node flush-routes status undrain undrain-node"
offers "status options" "lbhealthd status -" "--config --json --socket -c -j -s"
offers "status options given once" "lbhealthd status -j -" "--config --socket -c -s"
offers "status: --json" "lbhealthd --socket=/run/x.sock status --j" "--json"
offers "nothing after status" "lbhealthd status " ""
offers "-j first: the command next" "lbhealthd -j " "status"
offers "-j first: then -c or -s" "lbhealthd -j -" "--config --socket -c -s"
offers "drain and drain-node by prefix" "lbhealthd d" "drain drain-node"
offers "undrain and undrain-node by prefix" "lbhealthd -s /run/x.sock un" "undrain undrain-node"
offers "drain: the service's protocol" "lbhealthd drain " "tcp udp"
offers "undrain: the service's protocol by prefix" "lbhealthd undrain u" "udp"
offers "drain: nothing more to guess" "lbhealthd drain tcp " ""
offers "drain options: -c and -s only" "lbhealthd drain -" "--config --socket -c -s"
offers "drain options after its arguments" "lbhealthd -c x.conf drain web 10.0.1.1 -" "--socket -s"
offers "drain-node: nothing to guess" "lbhealthd drain-node " ""
offers "undrain-node options: -c and -s only" "lbhealthd undrain-node -" "--config --socket -c -s"
offers "flush-routes options: -c only" "lbhealthd flush-routes -" "--config -c"
offers "nothing after -V" "lbhealthd -V " ""
offers "nothing after -h" "lbhealthd -h -" ""

# Every option of the usage is offered, as the daemon's or status's.
all=$( { complete_line "lbhealthd -"; complete_line "lbhealthd status -"; } |
	tr ' ' '\n' | sort -u | paste -sd' ')
usage=$("$hc" -h | grep -oE -- '^ +-[a-zA-Z], --[a-z-]+' | tr -d ',' |
	tr ' ' '\n' | grep . | sort -u | paste -sd' ')
if [ -n "$usage" ] && [ "$all" = "$usage" ]; then
	ktap_result "every option of lbhealthd -h is offered" 0
else
	diag "offered: $all"
	diag "usage:   $usage"
	ktap_result "every option of lbhealthd -h is offered" 1
fi
# Registered for lbhealthd, with file names shown as such (dirs with a /).
check "registered with -o filenames" \
	grep -qE -- '-o filenames .*-F _lbhealthd lbhealthd$' <<< "$(complete -p lbhealthd)"

ktap_finish
