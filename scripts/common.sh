# shellcheck shell=bash
# Shared by the scripts in scripts/: where things live and how to say so.

NFLB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NFLB_CACHE=${NFLB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nflb}

msg() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { msg "$*"; exit 1; }

# The newest installed Debian kernel image of the 6.1 series ("6.1.0-56-amd64").
stock_kver() {
	local v
	v=$(cd /boot 2>/dev/null && ls vmlinuz-*-amd64 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	[ -n "$v" ] || return 1
	echo "$v"
}

# Debian version of the linux-source-6.1 package ("6.1.192-2").
source_pkg_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null
}

# Cache key of the test kernel: source package version + config fragments.
test_kernel_key() {
	{
		source_pkg_version
		cat "$NFLB_TOP/scripts/kernel/test.config" "$NFLB_TOP/selftests/config"
	} | sha256sum | cut -c1-16
}

test_kernel_dir() {
	echo "$NFLB_CACHE/kernel/$(test_kernel_key)"
}
