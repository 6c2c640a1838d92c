# Unit test for iommu/dmar.c: the ACPI DMAR parser, on tables captured from
# QEMU 7.2 (fixtures/qemu-dmar-*.hex, hex text) and on corrupt tables.
corral_unit_test(dmar ${CMAKE_CURRENT_LIST_DIR}/test_dmar.c
	${PROJECT_SOURCE_DIR}/iommu/dmar.c)
target_include_directories(dmar PRIVATE ${PROJECT_SOURCE_DIR}/iommu)
target_compile_definitions(dmar PRIVATE
	DMAR_FIXTURE_DIR="${CMAKE_CURRENT_LIST_DIR}/fixtures")
