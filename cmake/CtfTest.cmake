# SPDX-License-Identifier: GPL-2.0-or-later
# ctf_add_test(NAME name SOURCES a.c... LABELS unit|netns|compat [TIMEOUT s] [LIBS ...])
# Builds one test binary and registers it; exit code 77 means "skipped".
function(ctf_add_test)
	cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LABELS;LIBS" ${ARGN})
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 60)
	endif()
	add_executable(${T_NAME} ${T_SOURCES})
	target_link_libraries(${T_NAME} PRIVATE ctflow PkgConfig::CMOCKA ${T_LIBS})
	set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
	add_test(NAME ${T_NAME} COMMAND ${T_NAME})
	set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
			     SKIP_RETURN_CODE 77
			     ENVIRONMENT "CTF_FIXTURES=${PROJECT_SOURCE_DIR}/tests/fixtures")
endfunction()

# ctf_add_script_test(NAME name COMMAND cmd... LABELS ... [TIMEOUT s])
# Registers a script-driven test (compat, netns shell tests); 77 = skipped.
function(ctf_add_script_test)
	cmake_parse_arguments(T "" "NAME;TIMEOUT" "COMMAND;LABELS" ${ARGN})
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 300)
	endif()
	add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
	set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
			     SKIP_RETURN_CODE 77
			     ENVIRONMENT "CTF_BIN=${CMAKE_BINARY_DIR}/bin;CTF_SRC=${PROJECT_SOURCE_DIR}")
endfunction()
