// SPDX-License-Identifier: GPL-2.0
/*
 * insncount: a QEMU TCG plugin (system emulation) that counts the guest
 * instructions executed between two markers the guest executes itself,
 * for `make bench-cost` (scripts/bench-cost).
 *
 * The marker is "mov $0x4e464cNN, %eax; cpuid" (optionally with a 0x66
 * prefix, for 16-bit code): 'N' 'F' 'L' and a command, NN = 1 opens a
 * window, NN = 2 closes it.  It is recognised when the block is translated,
 * so a window costs nothing at run time but two callbacks; the cpuid itself
 * runs as usual.  Counting is per translation block (an inline add when
 * the guest has 1 vCPU, a per-vCPU callback otherwise), corrected at the
 * markers for the instructions of their block that have not run yet, so
 * a window counts exactly the instructions retired after the opening
 * cpuid up to and including the closing one.
 *
 * Arguments: out=FILE (required): one line per closed window,
 *   "window K insns N host_ns T vcpu0 N0 vcpu1 N1 ..." (K from 1, T the
 *   host's wall time the window took: what rates are made of; flushed at
 *   once);
 * profile=FILE (optional): for each window, the instructions of every
 *   block that ran in it, "K VADDR N" (blocks of the same address summed
 *   by the reader), to attribute them to functions.
 *
 * QEMU 7.2 (Debian bookworm) ships no qemu-plugin.h: the few functions of
 * its documented plugin API (docs/devel/tcg-plugins.rst, API version 1)
 * used here are declared below.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- QEMU plugin API, version 1, as documented ---- */
typedef uint64_t qemu_plugin_id_t;
typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *udata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *udata);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags,
					  void *udata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;
/* ---- end of the API ---- */

#define MAGIC		0x4e464c00u	/* "NFL" in the high bytes of eax */
#define MAX_VCPUS	64

struct block {			/* one translation, for profile= */
	uint64_t vaddr, count, base;
	struct block *next;
};

static uint64_t count[MAX_VCPUS];	/* instructions per vCPU */
static uint64_t start[MAX_VCPUS];
static bool open_window;
static struct timespec host_start;
static unsigned long windows;
static int nvcpus = 1;
static FILE *out, *prof;
static struct block *blocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void tb_exec(unsigned int vcpu, void *udata)
{
	count[vcpu % MAX_VCPUS] += (uintptr_t)udata;
}

/* udata: command << 16 | instructions of the block after the marker. */
static void marker(unsigned int vcpu, void *udata)
{
	uint64_t now[MAX_VCPUS], total = 0;
	unsigned int cmd = (uintptr_t)udata >> 16;
	uint64_t later = (uintptr_t)udata & 0xffff;
	struct timespec host;
	struct block *b;
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nvcpus; i++)
		now[i] = count[i] - (i == (int)vcpu ? later : 0);
	clock_gettime(CLOCK_MONOTONIC, &host);
	if (cmd == 1) {
		host_start = host;
		memcpy(start, now, sizeof(start));
		for (b = blocks; b; b = b->next)
			b->base = b->count;
		open_window = true;
	} else if (cmd == 2 && open_window) {
		open_window = false;
		windows++;
		for (i = 0; i < nvcpus; i++)
			total += now[i] - start[i];
		fprintf(out, "window %lu insns %" PRIu64 " host_ns %lld", windows,
			total, (host.tv_sec - host_start.tv_sec) * 1000000000LL +
			host.tv_nsec - host_start.tv_nsec);
		for (i = 0; i < nvcpus; i++)
			fprintf(out, " vcpu%d %" PRIu64, i, now[i] - start[i]);
		fputc('\n', out);
		fflush(out);
		for (b = blocks; prof && b; b = b->next)
			if (b->count != b->base)
				fprintf(prof, "%lu %" PRIx64 " %" PRIu64 "\n", windows,
					b->vaddr, b->count - b->base);
		if (prof)
			fflush(prof);
	}
	pthread_mutex_unlock(&lock);
}

/* The command of a "mov $MAGIC|cmd, %eax" instruction, or 0. */
static unsigned int magic_cmd(const struct qemu_plugin_insn *insn)
{
	const uint8_t *p = qemu_plugin_insn_data(insn);
	size_t n = qemu_plugin_insn_size(insn);
	uint32_t imm;

	if (n == 6 && p[0] == 0x66) {
		p++;
		n--;
	}
	if (n != 5 || p[0] != 0xb8)
		return 0;
	memcpy(&imm, p + 1, 4);
	return (imm & 0xffffff00u) == MAGIC ? imm & 0xff : 0;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	struct qemu_plugin_insn *insn;
	struct block *b;
	unsigned int cmd;
	const uint8_t *p;

	(void)id;
	if (nvcpus == 1)
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
							 &count[0], n);
	else
		qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
						     (void *)(uintptr_t)n);
	for (i = 1; i < n; i++) {
		insn = qemu_plugin_tb_get_insn(tb, i);
		p = qemu_plugin_insn_data(insn);
		if (qemu_plugin_insn_size(insn) != 2 || p[0] != 0x0f || p[1] != 0xa2)
			continue;
		cmd = magic_cmd(qemu_plugin_tb_get_insn(tb, i - 1));
		if (cmd == 1 || cmd == 2)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker,
				QEMU_PLUGIN_CB_NO_REGS,
				(void *)(uintptr_t)(cmd << 16 | (n - 1 - i)));
	}
	if (!prof)
		return;
	b = calloc(1, sizeof(*b));
	if (!b)
		return;
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, n);
	pthread_mutex_lock(&lock);
	b->next = blocks;
	blocks = b;
	pthread_mutex_unlock(&lock);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fflush(out);
	if (prof)
		fflush(prof);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	bool bad = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			bad |= !(out = fopen(argv[i] + 4, "w"));
		else if (!strncmp(argv[i], "profile=", 8))
			bad |= !(prof = fopen(argv[i] + 8, "w"));
		else
			bad = true;
	}
	if (bad || !out || !info->system_emulation ||
	    info->system.max_vcpus > MAX_VCPUS) {
		fprintf(stderr, "insncount: needs out=FILE [profile=FILE], system emulation, at most %d vCPUs\n",
			MAX_VCPUS);
		return -1;
	}
	nvcpus = info->system.max_vcpus;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
