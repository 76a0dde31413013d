# SPDX-License-Identifier: GPL-2.0-or-later
# The checks of 1.4.7's own conntrackd test suite, against 1.4.7 (oracle) then ours.
# It names its namespaces ctf_ns1.. inside a private mount namespace, but shares
# the sync port and the multicast group with the other HA tests: never at once.
ctf_add_script_test(NAME ha_upstream_suite
		    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/upstream_suite.py $<TARGET_FILE:conntrackd>
		    LABELS ha netns TIMEOUT 300)
set_tests_properties(ha_upstream_suite PROPERTIES RESOURCE_LOCK ha_harness)
