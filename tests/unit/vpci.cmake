# The virtual config space of an assigned PCI function (hypervisor/vpci.c),
# driven against fake devices that log every write the model makes.
corral_unit_test(vpci
	${PROJECT_SOURCE_DIR}/tests/unit/test_vpci.c
	${PROJECT_SOURCE_DIR}/hypervisor/vpci.c)
