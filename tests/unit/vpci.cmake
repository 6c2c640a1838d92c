# The virtual config space of an assigned PCI function (hypervisor/vdev/vpci.c),
# driven against fake devices that log every write the model makes.
corral_unit_test(vpci
	${PROJECT_SOURCE_DIR}/tests/unit/test_vpci.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/vpci.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/vpci_caps.c)

# The guest ACPI tables for PCI (MCFG, \_SB.PCI0, \_SB.MCFG), round-tripped
# through iasl: each table the guest_acpi test dumps must disassemble,
# recompile with 0 errors/warnings/remarks, and give the same bytes after
# the 36-byte header (whose creator fields iasl rewrites). Skipped without
# iasl (Debian: acpica-tools).
find_program(CORRAL_IASL iasl)
if(CORRAL_IASL)
	set(CORRAL_IASL_SCRIPT [=[
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
GACPI_DUMP_DIR=$dir "$1" >/dev/null
cd "$dir"
for t in DSDT DSDT-ecam64 MCFG MCFG-ecam64; do
	"$2" -d "$t.aml" >dis.log 2>&1 || { cat dis.log; exit 1; }
	"$2" -p "re-$t" "$t.dsl" >asm.log 2>&1 || { cat asm.log; exit 1; }
	grep -q '0 Errors, 0 Warnings, 0 Remarks' asm.log || { cat asm.log; exit 1; }
	tail -c +37 "$t.aml" >a.bin
	tail -c +37 "re-$t.aml" >b.bin
	cmp a.bin b.bin || { echo "$t: iasl's round trip differs"; exit 1; }
	echo "$t: iasl round trip clean"
done
]=])
	add_test(NAME unit.guest_acpi_iasl
		COMMAND sh -c "${CORRAL_IASL_SCRIPT}" iasl-check
			$<TARGET_FILE:guest_acpi> ${CORRAL_IASL})
	set_tests_properties(unit.guest_acpi_iasl PROPERTIES LABELS unit TIMEOUT 60)
endif()
