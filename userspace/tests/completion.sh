#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbadm's bash completion, without a kernel: a fake lbadm on PATH answers
# "service show" with canned text (and "help" with the real lbadm's), the
# completion function runs on COMP_WORDS split as bash splits them (at
# ":"), and COMPREPLY is compared with what it must offer.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 55

real=$NFLB_TOP/build/lbadm
dir=$(cd "$(dirname "$0")" && pwd)
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
cat > "$fake/lbadm" <<EOS
#!/bin/bash
case "\$*" in
help) exec "$real" help ;;
"service show")
	cat <<'EOT'
tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0 conns 3
  backend 10.0.1.1:80 weight 1 state up slots 32768 conns 1
  backend 10.0.1.2:8080 weight 1 state up slots 32769 conns 2
tcp 192.0.2.11:443 table-size 251 hash source seed 0 snat conns 0
udp [2001:db8::53]:53 table-size 251 hash 5tuple seed 0 conns 0
  backend [2001:db8:1::1]:53 weight 1 state drain slots 0 conns 0
EOT
	;;
"service show tcp 192.0.2.10:80")
	cat <<'EOT'
tcp 192.0.2.10:80 table-size 65537 hash 5tuple seed 0 conns 3
  backend 10.0.1.1:80 weight 1 state up slots 32768 conns 1
  backend 10.0.1.2:8080 weight 1 state up slots 32769 conns 2
EOT
	;;
"service show udp [2001:db8::53]:53")
	echo "udp [2001:db8::53]:53 table-size 251 hash 5tuple seed 0 conns 0"
	echo "  backend [2001:db8:1::1]:53 weight 1 state drain slots 0 conns 0"
	;;
"-n lb service show")
	echo "tcp 198.51.100.7:25 table-size 251 hash 5tuple seed 0 conns 0"
	;;
*) echo "lbadm: no such service" >&2; exit 1 ;;
esac
EOS
chmod +x "$fake/lbadm"
PATH=$fake:$PATH

. "$NFLB_TOP/userspace/lbadm/lbadm.bash-completion"

# The namespaces of /run/netns, as the test's own.
_lbadm_netns_names() { printf '%s\n' lb client backend1; }

# compopt works only while bash completes: record its calls instead.
compopt() { compopt_calls+="$* "; }

# offers DESCRIPTION LINE WANT: complete LINE (the cursor at its end; a
# trailing space starts a new word) and compare the sorted offers with WANT.
offers() {
	local desc=$1 line=$2 want=$3 w seg got
	local -a parts
	COMP_WORDS=()
	read -r -a parts <<< "$line"
	for w in "${parts[@]}"; do
		# bash makes a word of each run of ":" and of what is between.
		while [ -n "$w" ]; do
			if [[ $w == :* ]]; then
				seg=${w%%[!:]*}
			else
				seg=${w%%:*}
			fi
			COMP_WORDS+=("$seg")
			w=${w#"$seg"}
		done
	done
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	_lbadm lbadm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' ')
	if [ "$got" = "$want" ]; then
		ktap_result "$desc" 0
	else
		diag "'$line': offered '$got', want '$want'"
		ktap_result "$desc" 1
	fi
}

offers "commands" "lbadm " "backend flow flush help monitor offload restore save service stats version"
offers "commands after global options" "lbadm -j -s se" "service"
offers "global options" "lbadm -" \
	"--batch --help --json --netns --pretty --stats --version -V -batch -f -h -j -n -netns -p -s"
offers "long options" "lbadm --p" "--pretty"
offers "service operations" "lbadm service " "add del help set show table"
offers "backend operations" "lbadm backend s" "set"
offers "protocols" "lbadm service show " "tcp udp"
offers "tcp services" "lbadm service show tcp " "192.0.2.10:80 192.0.2.11:443"
offers "udp services" "lbadm -p service del udp " "[2001:db8::53]:53"
offers "a service by prefix" "lbadm service table tcp 192.0.2.1" \
	"192.0.2.10:80 192.0.2.11:443"
# After a ":" bash replaces only what follows it.
offers "a service after its colon" "lbadm service set tcp 192.0.2.11:" "443"
offers "no VIP offered to service add" "lbadm service add tcp " ""
offers "backends of the service" "lbadm backend del tcp 192.0.2.10:80 " \
	"10.0.1.1:80 10.0.1.2:8080"
offers "IPv6 backends" "lbadm backend set udp [2001:db8::53]:53 [2001:db8:1::" \
	"1]:53"
offers "no backend offered to backend add" "lbadm backend add tcp 192.0.2.10:80 " ""
offers "service options" "lbadm service add tcp 192.0.2.20:80 " \
	"burst forward hash no-rate no-snat no-synproxy rate seed snat synproxy table-size timeout-tcp timeout-tcp-fin timeout-udp"
offers "options given once, snat excludes no-snat" \
	"lbadm service set tcp 192.0.2.10:80 snat hash source timeout-tcp 60 " \
	"burst forward no-rate no-synproxy rate seed synproxy table-size timeout-tcp-fin timeout-udp"
offers "synproxy excludes no-synproxy" \
	"lbadm service set tcp 192.0.2.10:80 synproxy " \
	"burst forward hash no-rate no-snat rate seed snat table-size timeout-tcp timeout-tcp-fin timeout-udp"
offers "udp service options: no TCP timeouts" "lbadm service add udp 192.0.2.20:53 " \
	"burst forward hash no-rate no-snat rate seed snat table-size timeout-udp"
offers "udp service set: no TCP timeouts" \
	"lbadm service set udp [2001:db8::53]:53 timeout-" "timeout-udp"
offers "tcp service set: the TCP timeouts" \
	"lbadm service set tcp 192.0.2.10:80 timeout-tcp" "timeout-tcp timeout-tcp-fin"
offers "hash values" "lbadm service add tcp 192.0.2.20:80 hash " "5tuple source"
offers "forwarding methods" "lbadm service add tcp 192.0.2.20:80 forward " "gre ipip nat"
offers "no value offered for a number" "lbadm service add tcp 192.0.2.20:80 seed " ""
offers "service table option" "lbadm service table tcp 192.0.2.10:80 " "digest"
offers "backend options" "lbadm backend add tcp 192.0.2.10:80 10.0.1.9 " \
	"state weight"
offers "states" "lbadm backend set tcp 192.0.2.10:80 10.0.1.1:80 state " \
	"down drain up"
offers "backend set options" "lbadm backend set tcp 192.0.2.10:80 10.0.1.1:80 " \
	"flush state weight"
offers "backend set: flush once" "lbadm backend set tcp 192.0.2.10:80 10.0.1.1:80 flush " \
	"state weight"
offers "backend del option" "lbadm backend del tcp 192.0.2.10:80 10.0.1.1:80 " "flush"
offers "nothing after flush" "lbadm flush " ""
offers "no value offered for a timeout" "lbadm service set tcp 192.0.2.10:80 timeout-udp " ""
offers "stats operation" "lbadm stats " "help zero"
offers "stats zero: a protocol" "lbadm stats zero " "tcp udp"
offers "stats zero: a service" "lbadm stats zero tcp " "192.0.2.10:80 192.0.2.11:443"
offers "flow show: a service or a backend" "lbadm flow show " "backend tcp udp"
offers "flow show: a backend after the service" "lbadm flow show tcp 192.0.2.10:80 " "backend"
offers "flow show backend: the backends" "lbadm -j flow show backend 10.0.1." \
	"10.0.1.1:80 10.0.1.2:8080"
offers "restore: a file" "lbadm restore $dir/completion.s" "$dir/completion.sh"
offers "restore: its options" "lbadm restore --" "--check --sync"
offers "restore: each option once" "lbadm restore --sync --" "--check"
offers "restore --sync --check: a file" \
	"lbadm restore --sync --check $dir/completion.s" "$dir/completion.sh"
offers "monitor: -t" "lbadm monitor " "-t help"
offers "offload operations" "lbadm offload " "dev help off show"
offers "offload: dev again after a device" "lbadm offload dev lo " "dev"
offers "-n: the named namespaces" "lbadm -n " "backend1 client lb"
offers "--netns: the named namespaces" "lbadm --netns c" "client"
offers "-n NETNS: then the commands" "lbadm -n lb se" "service"
offers "-n NETNS: services of that namespace" "lbadm -j -n lb backend add tcp " \
	"198.51.100.7:25"
offers "-f: a file" "lbadm -f $dir/completion.s" "$dir/completion.sh"

# Registered with -o filenames (files quoted, "/" after a directory), which
# the words that are no file names turn off (an IPv6 VIP unescaped).
check "registered with -o filenames" \
	grep -q -- '-o filenames' <<< "$(complete -p lbadm)"
compopt_calls=
offers "a VIP, as it is" "lbadm service del udp [2001:db8::5" "53]:53"
check "words are no file names" test "$compopt_calls" = "+o filenames "
compopt_calls=
offers "restore: still a file" "lbadm restore $dir/completion.s" "$dir/completion.sh"
check "file names stay file names" test -z "$compopt_calls"

ktap_finish
