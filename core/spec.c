/* SPDX-License-Identifier: MIT */
/*
 * The top of config.json: ociVersion, root, mounts, hostname, hooks,
 * annotations; entry points spec_parse/spec_load and the process-only
 * variants used by `tinyrun exec --process`. The process and linux objects
 * have their own files.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define SPEC_INTERNAL
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec.h"

/* a config.json larger than this is a mistake, not a container */
#define SPEC_FILE_MAX (16u << 20)

/* ---- root ---- */

static const struct spec_field root_table_fields[] = {
	F_STR(struct spec_root, "path", path, SF_REQ | SF_NONEMPTY),
	F_BOOL(struct spec_root, "readonly", readonly),
};
static SPEC_TABLE(root_table, struct spec_root, NULL);

/* ---- mounts ---- */

static int mount_idmap(struct spec_ctx *c, const cJSON *item, void *dst)
{
	(void)item;
	(void)dst;
	return spec_err(c, "idmapped mounts are not supported");
}

/* Turn options[] into flags; what is not a known option is filesystem data. */
static int mount_check(struct spec_ctx *c, void *obj)
{
	struct spec_mount *m = obj;
	size_t i, dlen = 0;
	char *data = NULL;

	for (i = 0; i < m->options.n; i++)
		dlen += strlen(m->options.v[i]) + 1;
	for (i = 0; i < m->options.n; i++) {
		const char *o = m->options.v[i];
		const struct spec_mount_opt *mo = spec_mount_option(o);

		if (!*o)
			continue;
		if (!mo) {
			if (!data) {
				data = spec_alloc(c, dlen);
				if (!data)
					return -1;
			} else
				strcat(data, ",");
			strcat(data, o);
			continue;
		}
		if (mo->extra & SPEC_MOUNT_IDMAP)
			return spec_err(c, "options[%zu]: \"%s\": idmapped mounts are not supported", i, o);
		m->flags = (m->flags & ~mo->clear) | mo->set;
		m->clear_flags = (m->clear_flags & ~mo->set) | mo->clear;
		m->attr_set = (m->attr_set & ~mo->attr_clr) | mo->attr_set;
		m->attr_clr = (m->attr_clr & ~mo->attr_set) | mo->attr_clr;
		/* only the last propagation option counts, as with mount(8) */
		if (mo->propagation)
			m->propagation = mo->propagation;
		if (mo->extra & SPEC_MOUNT_TMPCOPYUP)
			m->tmpcopyup = true;
	}
	m->data = data;
	return 0;
}

static const struct spec_field mount_table_fields[] = {
	F_STR(struct spec_mount, "destination", destination, SF_REQ | SF_ABS),
	F_STR(struct spec_mount, "type", type, 0),
	F_STR(struct spec_mount, "source", source, 0),
	F_STRV(struct spec_mount, "options", options, 0),
	/* idmapped mounts are only rejected: "flags" is a placeholder offset */
	F_FN(struct spec_mount, "uidMappings", flags, 0, SPEC_NO_HAS, mount_idmap),
	F_FN(struct spec_mount, "gidMappings", flags, 0, SPEC_NO_HAS, mount_idmap),
};
static SPEC_TABLE(mount_table, struct spec_mount, mount_check);

/* ---- hooks ---- */

static const struct spec_field hook_table_fields[] = {
	F_STR(struct spec_hook, "path", path, SF_REQ | SF_ABS),
	F_STRV(struct spec_hook, "args", args, 0),
	F_STRV(struct spec_hook, "env", env, SF_ENV),
	F_INTH(struct spec_hook, "timeout", timeout, 1, INT_MAX),
};
static SPEC_TABLE(hook_table, struct spec_hook, NULL);

static const struct spec_field hooks_table_fields[] = {
	F_LIST(struct spec_hooks, "prestart", prestart, 0, hook_table),
	F_LIST(struct spec_hooks, "createRuntime", create_runtime, 0, hook_table),
	F_LIST(struct spec_hooks, "createContainer", create_container, 0, hook_table),
	F_LIST(struct spec_hooks, "startContainer", start_container, 0, hook_table),
	F_LIST(struct spec_hooks, "poststart", poststart, 0, hook_table),
	F_LIST(struct spec_hooks, "poststop", poststop, 0, hook_table),
};
static SPEC_TABLE(hooks_table, struct spec_hooks, NULL);

/* ---- the document ---- */

static int parse_annotations(struct spec_ctx *c, const cJSON *item, void *dst)
{
	return spec_get_map(c, item, dst, NULL);
}

static int spec_check(struct spec_ctx *c, void *obj)
{
	struct spec *s = obj;
	const char *v = s->oci_version;

	/* the spec is compatible within a major version: any 1.x will do */
	if (v[0] != '1' || v[1] != '.' || v[2] < '0' || v[2] > '9')
		return spec_err_at(c, "ociVersion", "unsupported version \"%s\" (expected 1.x)", v);
	/* root is OPTIONAL in the schema but REQUIRED on every platform but Hyper-V */
	if (!s->has_root)
		return spec_err_at(c, "root", "required");
	if (s->hostname && *s->hostname && !(s->linux_cfg.ns_flags & spec_ns_from_name("uts")))
		return spec_err_at(c, "hostname", "needs a uts namespace (linux.namespaces)");
	if (s->domainname && *s->domainname && !(s->linux_cfg.ns_flags & spec_ns_from_name("uts")))
		return spec_err_at(c, "domainname", "needs a uts namespace (linux.namespaces)");
	return 0;
}

static const struct spec_field spec_table_fields[] = {
	F_STR(struct spec, "ociVersion", oci_version, SF_REQ),
	F_OBJ(struct spec, "root", root, SPEC_HAS(struct spec, root), root_table),
	F_LIST(struct spec, "mounts", mounts, 0, mount_table),
	F_OBJ(struct spec, "process", process, SPEC_HAS(struct spec, process), spec_process_table),
	F_STR(struct spec, "hostname", hostname, 0),
	F_STR(struct spec, "domainname", domainname, 0),
	F_OBJ(struct spec, "hooks", hooks, SPEC_HAS(struct spec, hooks), hooks_table),
	F_FN(struct spec, "annotations", annotations, 0, SPEC_NO_HAS, parse_annotations),
	F_OBJ(struct spec, "linux", linux_cfg, offsetof(struct spec, has_linux), spec_linux_table),
};
static SPEC_TABLE(spec_table, struct spec, spec_check);

int spec_parse(const char *json, size_t len, struct spec **out, struct tr_err *err)
{
	return spec_document(json, len, out, err, &spec_table, false);
}

int spec_parse_process(const char *json, size_t len, struct spec **out, struct tr_err *err)
{
	return spec_document(json, len, out, err, &spec_process_table, true);
}

int spec_parse_resources(const char *json, size_t len, struct spec **out, struct tr_err *err)
{
	return spec_document(json, len, out, err, &spec_resources_table, false);
}

static int read_file(const char *path, char **buf, size_t *len, struct tr_err *err)
{
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd, e;

	/* O_NONBLOCK: a FIFO in place of the file must not hang us in open */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return tr_fail(err, errno, "%s: cannot open", path);
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return tr_fail(err, e, "%s: cannot stat", path);
	}
	if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size > SPEC_FILE_MAX) {
		close(fd);
		if (!S_ISREG(st.st_mode))
			return tr_fail(err, S_ISDIR(st.st_mode) ? EISDIR : EINVAL,
				       "%s: not a regular file", path);
		return tr_failx(err, "%s: larger than %u bytes", path, SPEC_FILE_MAX);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return tr_fail(err, ENOMEM, "%s: cannot read", path);
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, *buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	e = errno;
	close(fd);
	if (got < (size_t)st.st_size) {
		free(*buf);
		return tr_fail(err, e ? e : EIO, "%s: cannot read", path);
	}
	*len = got;
	return 0;
}

static int load(const char *path, struct spec **out, struct tr_err *err, bool process_only)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (read_file(path, &buf, &len, err) < 0)
		return -1;
	r = process_only ? spec_parse_process(buf, len, out, err) : spec_parse(buf, len, out, err);
	free(buf);
	if (r < 0)
		tr_err_prefix(err, "%s", path);
	return r;
}

int spec_load(const char *path, struct spec **out, struct tr_err *err)
{
	return load(path, out, err, false);
}

int spec_load_process(const char *path, struct spec **out, struct tr_err *err)
{
	return load(path, out, err, true);
}
