# The VT-d invalidation queue's ring logic (iommu/qi_ring.c).
corral_unit_test(qi_ring ${CMAKE_CURRENT_LIST_DIR}/test_qi_ring.c
	${PROJECT_SOURCE_DIR}/iommu/qi_ring.c)
target_include_directories(qi_ring PRIVATE ${PROJECT_SOURCE_DIR}/iommu)
