# The log rate limit and the quota counter of lib/ (IOMMU fault lines,
# per-VM interrupt quotas).
corral_unit_test(ratelimit ${CMAKE_CURRENT_LIST_DIR}/test_ratelimit.c
	${PROJECT_SOURCE_DIR}/lib/ratelimit.c ${PROJECT_SOURCE_DIR}/lib/quota.c)
