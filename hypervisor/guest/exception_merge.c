// SPDX-License-Identifier: MIT
/* An exception during the delivery of another (guest/exception_merge.h). */
#include <guest/exception_merge.h>

#define EXC_DE 0
#define EXC_DF 8
#define EXC_TS 10
#define EXC_NP 11
#define EXC_SS 12
#define EXC_GP 13
#define EXC_PF 14
#define EXC_VE 20 /* a page-fault-class exception */
#define EXC_CP 21

enum exc_class { BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT };

static enum exc_class class_of(uint8_t v)
{
	switch (v) {
	case EXC_DE:
	case EXC_TS:
	case EXC_NP:
	case EXC_SS:
	case EXC_GP:
	case EXC_CP:
		return CONTRIBUTORY;
	case EXC_PF:
	case EXC_VE:
		return PAGE_FAULT;
	case EXC_DF:
		return DOUBLE_FAULT;
	default:
		return BENIGN;
	}
}

enum x86_exc_merge x86_exception_merge(uint8_t first, uint8_t second)
{
	enum exc_class a = class_of(first), b = class_of(second);

	if (b != CONTRIBUTORY && b != PAGE_FAULT)
		return X86_EXC_SERIAL;
	switch (a) {
	case DOUBLE_FAULT:
		return X86_EXC_TRIPLE_FAULT;
	case PAGE_FAULT:
		return X86_EXC_DOUBLE_FAULT;
	case CONTRIBUTORY:
		return b == CONTRIBUTORY ? X86_EXC_DOUBLE_FAULT :
					   X86_EXC_SERIAL;
	case BENIGN:
		break;
	}
	return X86_EXC_SERIAL;
}

enum x86_exc_merge x86_exception_on_pending(uint8_t first, uint8_t *vector,
					    bool *has_error, uint32_t *error)
{
	enum x86_exc_merge m = x86_exception_merge(first, *vector);

	if (m == X86_EXC_DOUBLE_FAULT) {
		*vector = EXC_DF;
		*has_error = true;
		*error = 0;
	}
	return m;
}
