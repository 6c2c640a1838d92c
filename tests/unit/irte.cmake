# Unit test for iommu/irte.c: IRTE bit positions, remappable MSI addresses,
# and compatibility-format MSI decoding.
corral_unit_test(irte ${CMAKE_CURRENT_LIST_DIR}/test_irte.c
	${PROJECT_SOURCE_DIR}/iommu/irte.c)
target_include_directories(irte PRIVATE ${PROJECT_SOURCE_DIR}/iommu)
