# SPDX-License-Identifier: GPL-2.0
#
# nflb: `make` builds the module (against KDIR) and the tools; `make check`
# runs every test layer; `make demo` shows it working.  See README.md.

VERSION := $(shell sed -n 's/^\#define NFLB_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' kmod/version.h | paste -sd.)
KDIR ?= $(shell scripts/kdir stock)
# The release the kernel reports (uname -r): Debian's headers have the
# upstream version (6.1.192) in include/config/kernel.release, which would
# send modules_install to a directory modprobe never reads.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
B := build
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDDIR ?= /etc/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/nflb
# Where install-dkms-src puts the module's source for DKMS.
DKMS_SRCDIR ?= /usr/src/nflb-$(VERSION)
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
USER_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-Iinclude/uapi -Iuserspace/lib -DLBADM_VERSION='"$(VERSION)"' \
	$(shell pkg-config --cflags libmnl jansson 2>/dev/null)
USER_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl) \
	$(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
# lbadm reads conntrack's flows (flow show, service show -s).
NFCT_CFLAGS := $(shell pkg-config --cflags libnetfilter_conntrack 2>/dev/null)
NFCT_LIBS := $(shell pkg-config --libs libnetfilter_conntrack 2>/dev/null || \
	echo -lnetfilter_conntrack -lnfnetlink)

# lbhealthd: libconfig (file), libcurl (http checks), libsystemd (sd-event
# loop, sd_notify), libmicrohttpd (/metrics), c-ares (backends' host names),
# libresolv (dns checks).
HC_PKGS := libconfig libcurl libsystemd libmicrohttpd libcares
HC_CFLAGS := $(shell pkg-config --cflags $(HC_PKGS) 2>/dev/null)
HC_LIBS := $(shell pkg-config --libs $(HC_PKGS) 2>/dev/null || \
	echo -lconfig -lcurl -lsystemd -lmicrohttpd -lcares) -lresolv

LIB_SRCS := $(wildcard userspace/lib/*.c)
LBADM_SRCS := $(wildcard userspace/lbadm/*.c)
HC_SRCS := $(wildcard userspace/lbhealthd/*.c)
HC_OBJS := $(HC_SRCS:%.c=$(B)/%.o)
# Everything of lbhealthd but main(): what its unit tests link.
HC_CORE_OBJS := $(filter-out $(B)/userspace/lbhealthd/main.o,$(HC_OBJS))
UNIT_SRCS := $(wildcard userspace/tests/*_test.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
LBADM_OBJS := $(LBADM_SRCS:%.c=$(B)/%.o)
UNIT_BINS := $(UNIT_SRCS:%.c=$(B)/%)
HDRS := $(wildcard include/uapi/linux/*.h userspace/*/*.h)
# Traffic tools of the selftests (libc only): build/nflb-server, build/nflb-client.
TOOLS := $(patsubst selftests/tools/%.c,$(B)/%,$(wildcard selftests/tools/*.c))

.PHONY: all kmod kmod-test userspace tools install install-kmod install-tools \
	install-dkms-src uninstall unit kunit selftests check style demo deps \
	test-kernel clean bench bench-dsr bench-cost bench-health bench-flood fuzz kasan-tests deb \
	deb-test version

all: kmod userspace

kmod:
	+scripts/build-kmod $(KDIR) $(B)/kmod/stock

kmod-test:
	+scripts/build-kmod $$(scripts/kdir test) $(B)/kmod/test

test-kernel:
	scripts/test-kernel

# Not part of check: the netlink fuzzer (100,000 messages) and the teardown
# selftests on the KASAN + kmemleak kernel (scripts/test-kernel kasan).
fuzz:
	scripts/fuzz

kasan-tests:
	scripts/kasan-tests

userspace: tools $(TOOLS) $(B)/insncount.so

# The programs that are installed (what the nflb-tools package is built from).
tools: $(B)/lbadm $(B)/lbhealthd $(B)/nflb-dsr-backend

# The DSR backends' helper, a script: in build/ with the tools the tests use.
$(B)/nflb-dsr-backend: userspace/dsr-backend/nflb-dsr-backend
	@mkdir -p $(@D)
	install -m 0755 $< $@

# The TCG plugin of make bench-cost: a host shared object loaded by qemu.
$(B)/insncount.so: userspace/insncount/insncount.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror $(CFLAGS) -shared -fPIC \
		-fvisibility=hidden -o $@ $< -lpthread

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libnflbnl.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/userspace/lbadm/%.o: USER_CFLAGS += $(NFCT_CFLAGS)

$(B)/lbadm: $(LBADM_OBJS) $(B)/libnflbnl.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(USER_LIBS) $(NFCT_LIBS)

$(B)/userspace/lbhealthd/%.o: USER_CFLAGS += $(HC_CFLAGS)

$(B)/lbhealthd: $(HC_OBJS) $(B)/libnflbnl.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(USER_LIBS) $(HC_LIBS)

$(B)/nflb-%: selftests/tools/nflb-%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE $(CFLAGS) -o $@ $<

# The one tool that talks netlink: through libnflbnl and lbadm's parser.
$(B)/nflb-svcnew: selftests/tools/nflb-svcnew.c $(B)/userspace/lbadm/parse.o $(B)/libnflbnl.a
	$(CC) $(USER_CFLAGS) $(CFLAGS) -o $@ $^ $(USER_LIBS)

$(B)/userspace/tests/%: $(B)/userspace/tests/%.o $(B)/libnflbnl.a
	$(CC) $(CFLAGS) -o $@ $^ $(USER_LIBS)

$(B)/userspace/tests/%.o: USER_CFLAGS += -Iuserspace/tests
# monitor_test links in lbadm's monitor and output code.
$(B)/userspace/tests/monitor_test: $(B)/userspace/tests/monitor_test.o \
		$(B)/userspace/lbadm/monitor.o $(B)/userspace/lbadm/print.o $(B)/libnflbnl.a
	$(CC) $(CFLAGS) -o $@ $^ $(USER_LIBS)
$(B)/userspace/tests/monitor_test.o: USER_CFLAGS += -Iuserspace/lbadm
# restore_test links lbadm's parser, configuration model, restore file
# checker, request plan and save writer (save.c's command: util.c, print.c).
$(B)/userspace/tests/restore_test: $(B)/userspace/tests/restore_test.o \
		$(addprefix $(B)/userspace/lbadm/,model.o script.o plan.o save.o \
		util.o parse.o print.o) $(B)/libnflbnl.a
	$(CC) $(CFLAGS) -o $@ $^ $(USER_LIBS)
# lbhealthd's unit tests (hc_*_test) link its code but main().
$(B)/userspace/tests/hc_%_test.o: USER_CFLAGS += -Iuserspace/lbhealthd $(HC_CFLAGS)
$(B)/userspace/tests/hc_%_test: $(B)/userspace/tests/hc_%_test.o $(HC_CORE_OBJS) \
		$(B)/libnflbnl.a
	$(CC) $(CFLAGS) -o $@ $^ $(USER_LIBS) $(HC_LIBS)
# parse_test compiles in lbadm's parser (#include): rebuild it on changes.
$(B)/userspace/tests/parse_test.o: userspace/lbadm/parse.c
# print_test compiles in lbadm's output path and the commands using it.
$(B)/userspace/tests/print_test.o: $(addprefix userspace/lbadm/,print.c parse.c \
	service.c table.c version.c ctindex.c)
# flow_test: the flow index and matching rules, and flow show's arguments.
$(B)/userspace/tests/flow_test.o: userspace/lbadm/ctindex.c userspace/lbadm/parse.c

install: install-kmod install-tools

install-kmod: kmod
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(B)/kmod/stock INSTALL_MOD_DIR=updates \
		KERNELRELEASE=$(KVER) modules_install
	depmod -a $(KVER)

# Every manual userspace/*/NAME.SECTION and docs/NAME.SECTION and every
# bash completion userspace/*/NAME.bash-completion is installed (and
# packaged) without further ado: add the file, not a rule.
MANPAGES := $(wildcard userspace/*/*.[1-8] docs/*.[1-8])
COMPLETIONS := $(wildcard userspace/*/*.bash-completion)
# Examples, installed flat in DOCDIR (a file's path under conf/ is kept).
EXAMPLES := userspace/lbhealthd/lbhealthd.conf.example
# An HA pair's keepalived and conntrackd configurations, in DOCDIR/ha.
HA_EXAMPLES := $(wildcard userspace/ha/*.conf)
CLUSTER_EXAMPLES := $(wildcard userspace/cluster/*.conf)
CONF_EXAMPLES := $(patsubst conf/%,%,$(shell find conf -type f 2>/dev/null))

install-tools: tools
	install -D -m 0755 $(B)/lbadm $(DESTDIR)$(SBINDIR)/lbadm
	install -D -m 0755 $(B)/nflb-dsr-backend $(DESTDIR)$(SBINDIR)/nflb-dsr-backend
	install -D -m 0755 userspace/ha/nflb-ha-notify $(DESTDIR)$(SBINDIR)/nflb-ha-notify
	install -D -m 0755 $(B)/lbhealthd $(DESTDIR)$(SBINDIR)/lbhealthd
	set -e; for m in $(MANPAGES); do \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done
	set -e; for c in $(COMPLETIONS); do \
		n=$${c##*/}; install -D -m 0644 $$c $(DESTDIR)$(BASHCOMPDIR)/$${n%.bash-completion}; \
	done
	install -d $(DESTDIR)$(SYSTEMDDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' userspace/lbhealthd/lbhealthd.service.in \
		> $(DESTDIR)$(SYSTEMDDIR)/lbhealthd.service
	chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/lbhealthd.service
	install -D -m 0644 -t $(DESTDIR)$(DOCDIR) $(EXAMPLES)
	set -e; for f in $(CONF_EXAMPLES); do \
		install -D -m 0644 conf/$$f $(DESTDIR)$(DOCDIR)/$$f; \
	done
	install -D -m 0644 -t $(DESTDIR)$(DOCDIR)/ha $(HA_EXAMPLES)
	install -D -m 0644 -t $(DESTDIR)$(DOCDIR)/cluster $(CLUSTER_EXAMPLES)

# The module's source as DKMS builds it, with dkms.conf's version filled in
# (then `dkms install nflb/$(VERSION)`): what the nflb-dkms package holds.
DKMS_SRCS := Kbuild include/uapi/linux/nflb.h \
	$(wildcard kmod/Kbuild kmod/*.[ch] kmod/tests/Kbuild kmod/tests/*.[ch])

install-dkms-src:
	set -e; for f in $(DKMS_SRCS); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf

uninstall:
	rm -f /lib/modules/$(KVER)/updates/kmod/nflb.ko \
		$(DESTDIR)$(SBINDIR)/lbadm $(DESTDIR)$(SBINDIR)/lbhealthd \
		$(DESTDIR)$(SBINDIR)/nflb-dsr-backend $(DESTDIR)$(SBINDIR)/nflb-ha-notify \
		$(addprefix $(DESTDIR)$(DOCDIR)/ha/,$(notdir $(HA_EXAMPLES))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/cluster/,$(notdir $(CLUSTER_EXAMPLES))) \
		$(foreach m,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
		$(foreach c,$(COMPLETIONS),$(DESTDIR)$(BASHCOMPDIR)/$(notdir $(c:.bash-completion=))) \
		$(DESTDIR)$(SYSTEMDDIR)/lbhealthd.service \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(EXAMPLES)) $(CONF_EXAMPLES))
	depmod -a $(KVER)

# Debian packages nflb-dkms and nflb-tools, built out of tree in build/deb/
# (scripts/deb); deb-test installs them, tests them in a VM, purges them.
deb:
	scripts/deb

# The version (from kmod/version.h), for scripts.
version:
	@echo $(VERSION)

deb-test:
	scripts/deb-test

# Host unit tests (no kernel needed); KTAP on stdout.
unit: userspace $(UNIT_BINS)
	scripts/run-unit $(UNIT_BINS)

kunit:
	scripts/kunit

selftests:
	scripts/selftests

check:
	scripts/check

style:
	scripts/style

demo:
	scripts/demo

# Benchmark, not a test (not part of check): nflb beside IPVS, nftables,
# iptables and plain routing in one VM; BENCH_QUICK=1 for a short smoke run.
# Tables in build/bench/results.md and results.json; see docs/benchmarks.md.
bench:
	scripts/bench

# The direct server return planes of make bench alone: nflb forward ipip and
# gre beside IPVS TUN (ipip, gre) and DR, and routing on the same topology.
bench-dsr:
	BENCH_PLANES="routing-dsr nflb-ipip ipvs-tun-ipip nflb-gre ipvs-tun-gre ipvs-dr" scripts/bench

# Benchmark: guest instructions per packet and per connection of each data
# plane (a TCG plugin counts them), 3 runs; see docs/benchmarks.md.
bench-cost:
	scripts/bench-cost

# Benchmark: lbhealthd checking 1,000 backends every second (CPU, memory).
bench-health:
	scripts/bench-health

# Benchmark: a spoofed SYN flood at nflb with and without synproxy, IPVS
# (secure_tcp) and nftables DNAT behind synproxy; see docs/benchmarks.md.
bench-flood:
	scripts/bench-flood

deps:
	scripts/deps

clean:
	rm -rf $(B)
