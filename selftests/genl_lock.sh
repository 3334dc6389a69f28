#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nflb's requests never run under genl_mutex, the lock that every generic
# netlink family without parallel_ops (wireguard, nl80211, ...) and the
# family registry share: a flush, a grace period or a large table build of
# ours must not stall them.  Timing cannot show that; lockdep can.  On the
# debug kernel lockdep records, for every lock class, the classes taken
# while it is held, and /proc/lockdep lists them ("-> [key] name") under
# each class.  After every kind of request (do and dump, each command that
# takes the netns's configuration lock "nflb_net_lock", a flush, a
# deletion), genl_mutex must have no nflb class after it, while the
# requests did take nflb_net_lock.  Without parallel_ops the family's ops
# run inside genl_mutex and "-> nflb_net_lock" appears under it.
# Debug kernel only (the stock kernel has no lockdep).
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
[ -r /proc/lockdep ] || skip_all "no /proc/lockdep (lockdep is in the debug kernel)"

ktap_plan 5

ns_create lb
svc4=$(vip 4) svc6=$(vip 6)

requests() {
	lb_service "$lb" tcp 4 3 &&
		lb_service "$lb" udp 6 2 table-size 251 &&
		lbadm_in "$lb" service set tcp "$svc4" timeout-tcp 120 &&
		lbadm_in "$lb" backend set tcp "$svc4" "$(be 4 1)" weight 3 &&
		lbadm_in "$lb" backend set tcp "$svc4" "$(be 4 2)" state drain flush &&
		lbadm_in "$lb" service show > /dev/null &&
		lbadm_in "$lb" -s service show > /dev/null &&
		lbadm_in "$lb" -j service show tcp "$svc4" > /dev/null &&
		lbadm_in "$lb" service table tcp "$svc4" > /dev/null &&
		lbadm_in "$lb" save > "$TMPD/save" &&
		lbadm_in "$lb" flush &&
		lbadm_in "$lb" restore "$TMPD/save" &&
		lbadm_in "$lb" backend del tcp "$svc4" "$(be 4 3)" flush &&
		lbadm_in "$lb" stats zero &&
		lbadm_in "$lb" service del udp "$svc6" &&
		lbadm version > /dev/null
}
setup "requests of every kind, do and dump" requests

# after CLASS: the classes lockdep saw taken while CLASS was held, one per
# line (/proc/lockdep: a class's line ends in ": NAME", its dependencies
# follow as " -> [KEY] NAME" lines, a blank line ends it).
after() {
	awk -v c="$1" '
		/^[0-9a-f]+ / { cur = ($NF == c && $(NF - 1) ~ /:$/) }
		cur && /^ -> / { sub(/^ -> \[[0-9a-f]+\] /, ""); print }
	' /proc/lockdep
}
class_seen() { grep -q ": $1\$" /proc/lockdep; }

check "lockdep knows genl_mutex" class_seen genl_mutex
check "the requests took nflb_net_lock" class_seen nflb_net_lock
no_nflb_after_genl() {
	local deps
	deps=$(after genl_mutex)
	echo "taken under genl_mutex: $(printf '%s' "$deps" | tr '\n' ' ')"
	! grep -q nflb <<< "$deps"
}
check "no nflb lock taken under genl_mutex" no_nflb_after_genl
check "lockdep still on (no report switched it off)" \
	grep -q "debug_locks: *1" /proc/lockdep_stats

ktap_finish
