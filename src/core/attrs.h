/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the core: strict attribute walks for the nfnetlink codecs. */
#ifndef CTFLOW_CORE_ATTRS_H
#define CTFLOW_CORE_ATTRS_H

#include <errno.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

/*
 * Run @cb on every attribute in @len bytes at @start. Unlike
 * mnl_attr_parse(), which stops quietly at the first attribute that does not
 * fit, a walk that does not end exactly at the end of the block (give or
 * take the last attribute's alignment padding) is malformed input.
 * Returns 0, or -EBADMSG when @cb fails or the block does not add up.
 */
static inline int attrs_walk(const void *start, int len, mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *attr = start;

	while (mnl_attr_ok(attr, len)) {
		if (cb(attr, data) <= MNL_CB_STOP)
			return -EBADMSG;
		len -= (int)MNL_ALIGN(attr->nla_len);
		attr = mnl_attr_next(attr);
	}
	return len <= 0 && len > -(int)MNL_ALIGNTO ? 0 : -EBADMSG;
}

/* The attributes after the nfgenmsg header of an nfnetlink message. */
static inline int attrs_walk_msg(const struct nlmsghdr *nlh, mnl_attr_cb_t cb, void *data)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));

	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	return attrs_walk((const char *)nlh + hdr, (int)(nlh->nlmsg_len - hdr), cb, data);
}

/* The attributes nested in @nest. */
static inline int attrs_walk_nested(const struct nlattr *nest, mnl_attr_cb_t cb, void *data)
{
	return attrs_walk(mnl_attr_get_payload(nest), (int)mnl_attr_get_payload_len(nest), cb,
			  data);
}

#endif /* CTFLOW_CORE_ATTRS_H */
