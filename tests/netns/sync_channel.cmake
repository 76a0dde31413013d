# SPDX-License-Identifier: GPL-2.0-or-later
# conntrackd's sync channels on real sockets: two private namespaces joined by veth pairs.
ctf_add_test(NAME test_sync_channel SOURCES test_sync_channel.c LABELS netns TIMEOUT 120
	     LIBS ctd_sync ctf_test_netns)
