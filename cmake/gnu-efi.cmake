# GNU-EFI toolchain for the loader (efi/).
#
# A UEFI application is a PE32+ image (UEFI 2.10 section 2.1.1). GNU-EFI builds
# it in three steps, which this file wraps:
#   1. compile position-independent C with the firmware's constraints
#      (no red zone: interrupts share the stack; 2-byte wchar_t: CHAR16);
#   2. link an ELF shared object at address 0 with GNU-EFI's crt0 and
#      linker script; crt0's _relocate applies the R_X86_64_RELATIVE fixups
#      at run time, so the firmware may load the image anywhere;
#   3. objcopy the sections that matter into a PE32+ image with subsystem 10
#      (EFI application).
#
# Firmware calls use the Microsoft x64 convention (UEFI 2.10 section 2.3.4.2).
# GNU_EFI_USE_MS_ABI makes GNU-EFI's EFIAPI expand to __attribute__((ms_abi)),
# so uefi_call_wrapper() is a plain call and libefi's efi_callN stubs are not
# needed. The loader links only libgnuefi (crt0's relocator), not libefi:
# libefi carries its own memcpy/memset, which would clash with lib/string.c.

set(GNU_EFI_ARCH x86_64)

find_path(GNU_EFI_INCLUDE_DIR efi.h
	PATHS /usr/include/efi /usr/local/include/efi NO_DEFAULT_PATH)
find_file(GNU_EFI_CRT0 crt0-efi-${GNU_EFI_ARCH}.o
	PATHS /usr/lib /usr/lib64 /usr/local/lib NO_DEFAULT_PATH)
find_file(GNU_EFI_LDS elf_${GNU_EFI_ARCH}_efi.lds
	PATHS /usr/lib /usr/lib64 /usr/local/lib NO_DEFAULT_PATH)
find_file(GNU_EFI_LIBGNUEFI libgnuefi.a
	PATHS /usr/lib /usr/lib64 /usr/local/lib NO_DEFAULT_PATH)
find_program(GNU_EFI_LD NAMES ld.bfd ld)
find_program(GNU_EFI_OBJCOPY NAMES objcopy)

foreach(v GNU_EFI_INCLUDE_DIR GNU_EFI_CRT0 GNU_EFI_LDS GNU_EFI_LIBGNUEFI
		GNU_EFI_LD GNU_EFI_OBJCOPY)
	if(NOT ${v})
		message(FATAL_ERROR "GNU-EFI: ${v} not found. "
			"Run scripts/setup (it installs Debian's gnu-efi and binutils).")
	endif()
endforeach()

# Compile flags for everything linked into a GNU-EFI application.
set(GNU_EFI_C_FLAGS
	-ffreestanding -fpic -fshort-wchar -mno-red-zone -mgeneral-regs-only
	-maccumulate-outgoing-args -fno-stack-protector -fno-stack-check
	-fno-strict-aliasing -fno-common -fno-asynchronous-unwind-tables
	-fno-tree-loop-distribute-patterns -nostdinc -isystem ${CORRAL_CC_INCLUDE}
	-O2 -g)
set(GNU_EFI_DEFINES GNU_EFI_USE_MS_ABI=1)

# corral_gnu_efi_objects(<target>): make an OBJECT library build for GNU-EFI.
# The freestanding libc subset (lib/libc: string.h, stdlib.h, limits.h, errno.h)
# and corral's own library headers (lib/include) come
# before the compiler's own headers, whose limits.h would look for a
# C library's, and before the firmware headers.
function(corral_gnu_efi_objects target)
	target_compile_options(${target} PRIVATE ${GNU_EFI_C_FLAGS})
	target_compile_definitions(${target} PRIVATE ${GNU_EFI_DEFINES})
	target_include_directories(${target} BEFORE PRIVATE
		${PROJECT_SOURCE_DIR}/lib/libc ${PROJECT_SOURCE_DIR}/lib/include
		${PROJECT_SOURCE_DIR}/include)
	target_include_directories(${target} SYSTEM PRIVATE
		${GNU_EFI_INCLUDE_DIR} ${GNU_EFI_INCLUDE_DIR}/${GNU_EFI_ARCH})
endfunction()

# The sections a GNU-EFI image keeps (the set GNU-EFI's own Make.rules uses).
set(GNU_EFI_SECTIONS .text .sdata .data .rodata .dynamic .dynsym .rel .rela
	.rel.* .rela.* .reloc)

# corral_gnu_efi_app(<output.efi> OBJECTS <object libraries...>): link the
# objects of the given OBJECT libraries into <output.efi>.
# -z defs turns a missing function into a link error instead of an image
# that fails at load time.
function(corral_gnu_efi_app output)
	cmake_parse_arguments(ARG "" "" "OBJECTS" ${ARGN})
	get_filename_component(base ${output} NAME_WE)
	set(so ${CMAKE_CURRENT_BINARY_DIR}/${base}.so)
	set(objs)
	foreach(lib ${ARG_OBJECTS})
		list(APPEND objs $<TARGET_OBJECTS:${lib}>)
	endforeach()
	set(jflags)
	foreach(s ${GNU_EFI_SECTIONS})
		list(APPEND jflags -j ${s})
	endforeach()

	add_custom_command(OUTPUT ${so}
		COMMAND ${GNU_EFI_LD} -nostdlib -znocombreloc -z defs
			-T ${GNU_EFI_LDS} -shared -Bsymbolic
			${GNU_EFI_CRT0} ${objs} ${GNU_EFI_LIBGNUEFI} -o ${so}
		DEPENDS ${ARG_OBJECTS} ${objs} ${GNU_EFI_LDS}
		COMMENT "Linking GNU-EFI shared object ${base}.so"
		COMMAND_EXPAND_LISTS VERBATIM)
	add_custom_command(OUTPUT ${output}
		COMMAND ${GNU_EFI_OBJCOPY} ${jflags} --target efi-app-${GNU_EFI_ARCH}
			--subsystem=10 ${so} ${output}
		DEPENDS ${so}
		COMMENT "Converting ${base}.so to a PE32+ EFI application"
		COMMAND_EXPAND_LISTS VERBATIM)
endfunction()
