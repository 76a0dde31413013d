# SPDX-License-Identifier: GPL-2.0-or-later
# The sync engine's building blocks (src/conntrackd/sync): the object cache and
# its queues, the readers' event rings, the timer wheel.
ctf_add_test(NAME test_sync_cache SOURCES test_sync_cache.c LABELS unit LIBS ctd_sync)
# the allocation seam: failures on demand, and frees logged so lifetimes are checked in any build
target_link_options(test_sync_cache PRIVATE -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=free)
ctf_add_test(NAME test_sync_evq SOURCES test_sync_evq.c LABELS unit threads TIMEOUT 300
	     LIBS ctd_sync)
ctf_add_test(NAME test_sync_wheel SOURCES test_sync_wheel.c LABELS unit LIBS ctd_sync)
