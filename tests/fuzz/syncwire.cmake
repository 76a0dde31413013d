# SPDX-License-Identifier: GPL-2.0-or-later
# Sync wire codec: arbitrary bytes through ctf_sync_split() as a datagram and as a
# stream, every CT/EXP message decoded, re-encoded and decoded again. syncwire.c
# is built in, instrumented; it needs nothing else of the core.
add_executable(fuzz_syncwire fuzz_syncwire.c ${PROJECT_SOURCE_DIR}/src/core/syncwire.c)
target_include_directories(fuzz_syncwire PRIVATE ${PROJECT_SOURCE_DIR}/include)
target_compile_options(fuzz_syncwire PRIVATE ${CTF_FUZZ_CT_FLAGS})
target_link_options(fuzz_syncwire PRIVATE ${CTF_FUZZ_CT_FLAGS})
set_target_properties(fuzz_syncwire PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

# Seeds: the datagrams, streams and single messages of 1.4.7's captures, cut at
# build time (tests/ha/captures stays the one copy of those bytes).
file(GLOB CTF_SYNC_CAPTURES ${PROJECT_SOURCE_DIR}/tests/ha/captures/*.pcap)
set(CTF_SYNC_SEEDS ${CMAKE_CURRENT_BINARY_DIR}/seeds_syncwire)
find_program(CTF_PYTHON3 python3)
if(CTF_PYTHON3)
	add_custom_command(OUTPUT ${CTF_SYNC_SEEDS}/.stamp
			   COMMAND ${CMAKE_COMMAND} -E rm -rf ${CTF_SYNC_SEEDS}
			   COMMAND ${CTF_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/syncwire_seeds.py
				   ${CTF_SYNC_SEEDS} ${CTF_SYNC_CAPTURES}
			   COMMAND ${CMAKE_COMMAND} -E touch ${CTF_SYNC_SEEDS}/.stamp
			   DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/syncwire_seeds.py ${CTF_SYNC_CAPTURES}
			   COMMENT "Cutting fuzz_syncwire seeds from tests/ha/captures"
			   VERBATIM)
	add_custom_target(fuzz_syncwire_seeds DEPENDS ${CTF_SYNC_SEEDS}/.stamp)
	add_dependencies(fuzz_syncwire fuzz_syncwire_seeds)
else()
	file(MAKE_DIRECTORY ${CTF_SYNC_SEEDS})
endif()
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/corpus_syncwire)
add_test(NAME fuzz_syncwire_smoke
	 COMMAND fuzz_syncwire -max_total_time=60 -timeout=10 -rss_limit_mb=2048
		 -print_final_stats=1 ${CMAKE_CURRENT_BINARY_DIR}/corpus_syncwire ${CTF_SYNC_SEEDS})
set_tests_properties(fuzz_syncwire_smoke PROPERTIES TIMEOUT 180 LABELS "fuzz")
