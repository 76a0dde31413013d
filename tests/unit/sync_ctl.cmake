# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd's command line, statistics texts, control socket and client
# (src/conntrackd/sync: args.c stats.c ctl.c client.c), against 1.4.7's
# answers in tests/fixtures/conntrackd; and the client against 1.4.7 itself.
ctf_add_test(NAME test_sync_ctl SOURCES test_sync_ctl.c fixtures.c LABELS unit LIBS ctd_sync)
target_compile_definitions(test_sync_ctl PRIVATE
	CTF_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures"
	CTF_DAEMON_VERSION="${PROJECT_VERSION}")
find_package(Python3 REQUIRED COMPONENTS Interpreter)
ctf_add_script_test(NAME compat_conntrackd_client
	COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/compat/conntrackd_client.py
		$<TARGET_FILE:conntrackd>
	LABELS compat TIMEOUT 120)
