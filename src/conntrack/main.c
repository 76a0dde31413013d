// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack: placeholder entry point until the CLI lands. */
#include <stdio.h>

int main(void)
{
	return 0;
}
