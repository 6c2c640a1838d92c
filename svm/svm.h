/* SPDX-License-Identifier: MIT */
/* Internal to svm/: never included by the core. */
#ifndef CORRAL_SVM_H
#define CORRAL_SVM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct percpu;

struct svm_caps {
	uint32_t nr_asids;
	bool nrip_save;
	bool decode_assists;
};

/* The per-pCPU host state VMSAVE/VMLOAD keep (FS, GS, TR, syscall MSRs). */
struct svm_percpu {
	void *host_save_area; /* VM_HSAVE_PA */
	void *host_vmcb;      /* VMSAVE target for the host's own state */
};

extern struct svm_caps svm_caps;

int svm_probe(char *why, size_t n);
int svm_cpu_enable(struct percpu *pc, char *why, size_t n);

#endif
