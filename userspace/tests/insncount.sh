#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build/insncount.so, the instruction-counting TCG plugin of make bench-cost,
# in the host's qemu without a kernel: a 64 KiB firmware image of a few
# instructions (16-bit code at the reset vector) opens a window, runs a
# loop of known length, closes it and leaves qemu through isa-debug-exit.
# The window must hold exactly what ran: mov, 1,000 x (dec, jnz), mov,
# cpuid = 2,003 instructions, with 1 vCPU (inline counter) and with 2
# (per-vCPU callbacks), and the profile must put the loop's 1,998 in its block.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 3
so=$NFLB_TOP/build/insncount.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# At 0xff00: mov $0x4e464c01,%eax; cpuid; mov $1000,%ecx; 1: dec %ecx;
# jnz 1b; mov $0x4e464c02,%eax; cpuid; mov $0,%al; out %al,$0xf4; hlt.
# At 0xfff0 (the reset vector): jmp 0xff00.
code='\x66\xb8\x01\x4c\x46\x4e\x0f\xa2\x66\xb9\xe8\x03\x00\x00\x66\x49\x75\xfc'
code+='\x66\xb8\x02\x4c\x46\x4e\x0f\xa2\xb0\x00\xe6\xf4\xf4'
{
	head -c 65280 /dev/zero | tr '\0' '\364'
	printf "$code"
	head -c $((0xfff0 - 0xff00 - 31)) /dev/zero | tr '\0' '\364'
	printf '\xe9\x0d\xff'
	head -c 13 /dev/zero | tr '\0' '\364'
} > "$tmp/bios.bin"

run() {	# run SMP PLUGIN-ARGS
	timeout 60 qemu-system-x86_64 -machine q35 -accel tcg -smp "$1" -m 64 \
		-display none -vga none -monitor none -nic none -no-reboot \
		-bios "$tmp/bios.bin" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-plugin "$so,$2" > "$tmp/qemu.log" 2>&1
	# isa-debug-exit: status (0 << 1) | 1.
	[ $? = 1 ] || { cat "$tmp/qemu.log" >&2; return 1; }
}

[ "$(stat -c %s "$tmp/bios.bin")" = 65536 ] || echo "# bad firmware image" >&2
run 1 "out=$tmp/w1" && grep -Eqx 'window 1 insns 2003 host_ns [0-9]+ vcpu0 2003' "$tmp/w1"
ktap_result "insncount: 1 vCPU: one window of 2003 instructions" $?
run 2 "out=$tmp/w2,profile=$tmp/p2" &&
	grep -Eqx 'window 1 insns 2003 host_ns [0-9]+ vcpu0 2003 vcpu1 0' "$tmp/w2"
ktap_result "insncount: 2 vCPUs: counted on the vCPU that ran them" $?
grep -qx '1 ffffff0e 1998' "$tmp/p2"
ktap_result "insncount: profile: the loop's block holds its 1998 instructions" $?
ktap_finish
