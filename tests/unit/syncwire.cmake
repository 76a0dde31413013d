# SPDX-License-Identifier: GPL-2.0-or-later
# The sync wire codec: unit tests, and the replay of 1.4.7's captures (tests/ha/captures).
ctf_add_test(NAME test_syncwire SOURCES test_syncwire.c checks.c fixtures.c LABELS unit)
ctf_add_test(NAME test_syncwire_captures SOURCES test_syncwire_captures.c fixtures.c LABELS unit)
target_compile_definitions(test_syncwire_captures PRIVATE
			   CTF_CAPTURES_DIR="${PROJECT_SOURCE_DIR}/tests/ha/captures")
foreach(t test_syncwire test_syncwire_captures)
	target_compile_definitions(${t} PRIVATE CTF_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures")
endforeach()
