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

# The configuration fragments of a test kernel VARIANT, in order (later
# lines win): test (the debug test kernel) or kasan (test + KASAN, kmemleak).
test_kernel_fragments() {
	echo "$NFLB_TOP/scripts/kernel/test.config"
	echo "$NFLB_TOP/selftests/config"
	case "${1:-test}" in
	test) ;;
	kasan) echo "$NFLB_TOP/scripts/kernel/kasan.config" ;;
	*) return 1 ;;
	esac
}

# Cache key of a test kernel: source package version + config fragments.
# (For `test` the bytes hashed are what they always were: its cache stays.)
test_kernel_key() {
	local frags
	frags=$(test_kernel_fragments "${1:-test}") || return 1
	{
		source_pkg_version
		# shellcheck disable=SC2086 # one path per line, no spaces
		cat $frags
	} | sha256sum | cut -c1-16
}

# Cache directory of a test kernel: kernel/KEY (test), kernel/VARIANT-KEY.
test_kernel_dir() {
	local v=${1:-test} key
	key=$(test_kernel_key "$v") || return 1
	if [ "$v" = test ]; then
		echo "$NFLB_CACHE/kernel/$key"
	else
		echo "$NFLB_CACHE/kernel/$v-$key"
	fi
}
