# SPDX-License-Identifier: GPL-2.0-or-later
# Warning set for every target; -Werror when CTF_WERROR is on (CI).
add_compile_options(-Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes
		    -Wstrict-prototypes -Wno-unused-parameter -Wpointer-arith
		    -Wvla -Wundef)
if(CTF_WERROR)
	add_compile_options(-Werror)
endif()
