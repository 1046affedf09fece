/* SPDX-License-Identifier: MIT */
/*
 * The OCI runtime-spec (1.0 - 1.2, Linux) config.json as typed C structs.
 *
 * spec_parse() parses and validates the whole document before anything is
 * created (see shared/design/architecture.md, "Parse, then apply"): after a
 * successful parse the apply code never needs to look at JSON again, and
 * never needs to re-check a type, a range or a name.
 *
 * Memory: every string and array hangs off one arena owned by struct spec,
 * so spec_free() releases everything at once and no member is ever freed on
 * its own. Absent strings are NULL; absent or empty lists have n == 0 (v is
 * NULL only when the key was absent). Optional scalars whose zero value means
 * something carry a has_ flag, and so do objects ("has_seccomp"), which lets
 * a build without a module reject a config that asks for it.
 *
 * Errors name the JSON path: "process.rlimits[2].type: unknown rlimit ...".
 * On failure *out is NULL and nothing needs freeing.
 */
#ifndef TINYRUN_SPEC_H
#define TINYRUN_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A list of T: v[0..n-1]. Lists of strings are also NULL-terminated (execve). */
#define SPEC_LIST(T) struct { T *v; size_t n; }

struct spec_strv {
	char **v;
	size_t n;
};

struct spec_kv {
	char *key;
	char *value;
};

/* A JSON object of string values (annotations, sysctl, unified), in file order. */
struct spec_map {
	struct spec_kv *v;
	size_t n;
};

struct spec_id_map {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct spec_root {
	char *path;		/* may be relative to the bundle */
	bool readonly;
};

/* What one mount option means: see spec_mount_option(). */
struct spec_mount_opt {
	const char *name;
	unsigned long set;		/* MS_* to set */
	unsigned long clear;		/* MS_* to clear */
	unsigned long propagation;	/* MS_PRIVATE|MS_REC ..., applied after mounting */
	uint64_t attr_set;		/* MOUNT_ATTR_* for recursive "rro", "rnosuid" ... */
	uint64_t attr_clr;
	unsigned extra;			/* SPEC_MOUNT_* below */
};

#define SPEC_MOUNT_TMPCOPYUP	0x1	/* crun extension: copy the old contents into a tmpfs */
#define SPEC_MOUNT_IDMAP	0x2	/* "idmap"/"ridmap": rejected, not supported */

struct spec_mount {
	char *destination;	/* absolute */
	char *type;
	char *source;
	struct spec_strv options;	/* as written */
	unsigned long flags;		/* MS_* from the options */
	unsigned long clear_flags;	/* MS_* explicitly cleared ("rw", "suid", ...) */
	unsigned long propagation;	/* last propagation option, 0 if none */
	uint64_t attr_set, attr_clr;	/* recursive (mount_setattr) options */
	char *data;		/* unknown options joined by ',': "mode=755,size=65536k"; NULL if none */
	bool tmpcopyup;
};

struct spec_rlimit {
	int type;		/* RLIMIT_* */
	uint64_t hard;
	uint64_t soft;
};

/* Capability sets as bitmasks: bit n is capability n (CAP_SYS_ADMIN = bit 21). */
struct spec_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient;
	bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
};

struct spec_user {
	uint32_t uid;
	uint32_t gid;
	uint32_t umask;
	bool has_umask;
	SPEC_LIST(uint32_t) additional_gids;
};

#define SPEC_IOPRIO_CLASS_RT	1
#define SPEC_IOPRIO_CLASS_BE	2
#define SPEC_IOPRIO_CLASS_IDLE	3

struct spec_io_priority {
	int class;		/* SPEC_IOPRIO_CLASS_* (the kernel's IOPRIO_CLASS_* values) */
	int priority;		/* 0..7 */
};

struct spec_scheduler {
	int policy;		/* SCHED_* (the kernel's values, SCHED_DEADLINE = 6) */
	int32_t nice;
	int32_t priority;
	uint64_t flags;		/* SCHED_FLAG_* bits */
	uint64_t runtime, deadline, period;
};

struct spec_console_size {
	uint32_t height;
	uint32_t width;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	struct spec_console_size console_size;
	struct spec_user user;
	struct spec_strv args;	/* non-empty */
	struct spec_strv env;	/* every entry has '=' */
	char *cwd;		/* absolute */
	bool has_capabilities;
	struct spec_caps caps;
	SPEC_LIST(struct spec_rlimit) rlimits;	/* no duplicate types, soft <= hard */
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	bool has_oom_score_adj;
	int oom_score_adj;	/* -1000..1000 */
	bool has_io_priority;
	struct spec_io_priority io_priority;
	bool has_scheduler;
	struct spec_scheduler scheduler;
	bool has_exec_cpu_affinity;	/* 1.2: cpuset lists, validated, NULL if absent */
	char *exec_cpu_affinity_initial;
	char *exec_cpu_affinity_final;
};

struct spec_hook {
	char *path;		/* absolute */
	struct spec_strv args;
	struct spec_strv env;
	bool has_timeout;
	int timeout;		/* seconds, > 0 */
};

typedef SPEC_LIST(struct spec_hook) spec_hook_list;

struct spec_hooks {
	spec_hook_list prestart, create_runtime, create_container;
	spec_hook_list start_container, poststart, poststop;
};

struct spec_namespace {
	unsigned long type;	/* CLONE_NEW* */
	char *path;		/* absolute, or NULL: create a new one */
};

struct spec_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_device {
	char type;		/* 'c', 'b', 'u' or 'p' */
	char *path;		/* absolute */
	int64_t major, minor;	/* required unless type is 'p' */
	bool has_file_mode, has_uid, has_gid;
	uint32_t file_mode;
	uint32_t uid, gid;
};

/* ---- linux.resources ---- */

struct spec_dev_rule {
	bool allow;
	char type;		/* 'a', 'c' or 'b'; 'a' when absent */
	int64_t major, minor;	/* -1: any */
	char access[4];		/* subset of "rwm"; "rwm" when absent */
};

struct spec_memory {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	int64_t limit, reservation, swap, kernel, kernel_tcp;
	uint64_t swappiness;	/* 0..100 */
	bool disable_oom_killer, use_hierarchy, check_before_update;
	bool has_disable_oom_killer, has_use_hierarchy;
};

struct spec_cpu {
	bool has_shares, has_quota, has_burst, has_period;
	bool has_realtime_runtime, has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota;
	uint64_t burst, period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	int64_t idle;
	char *cpus;		/* cpuset list syntax, validated: "0-3,5" */
	char *mems;
};

struct spec_pids {
	int64_t limit;		/* <= 0: no limit */
};

struct spec_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

typedef SPEC_LIST(struct spec_throttle_device) spec_throttle_list;

struct spec_blkio {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;	/* 10..1000 */
	SPEC_LIST(struct spec_weight_device) weight_device;
	spec_throttle_list throttle_read_bps, throttle_write_bps;
	spec_throttle_list throttle_read_iops, throttle_write_iops;
};

struct spec_hugepage_limit {
	char *page_size;	/* "2MB", "1GB", "64KB" */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_network {
	bool has_class_id;
	uint32_t class_id;
	SPEC_LIST(struct spec_net_priority) priorities;
};

struct spec_rdma_limit {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct spec_resources {
	SPEC_LIST(struct spec_dev_rule) devices;
	bool has_memory, has_cpu, has_pids, has_blkio, has_network;
	struct spec_memory memory;
	struct spec_cpu cpu;
	struct spec_pids pids;
	struct spec_blkio blkio;
	SPEC_LIST(struct spec_hugepage_limit) hugepage_limits;
	struct spec_network network;
	SPEC_LIST(struct spec_rdma_limit) rdma;
	struct spec_map unified;	/* file name -> value, names validated */
};

/* ---- linux.seccomp: values are ours, the seccomp module maps them ---- */

enum spec_scmp_action {
	SPEC_SCMP_ACT_KILL = 1,		/* kill the thread */
	SPEC_SCMP_ACT_KILL_PROCESS,
	SPEC_SCMP_ACT_KILL_THREAD,
	SPEC_SCMP_ACT_TRAP,
	SPEC_SCMP_ACT_ERRNO,
	SPEC_SCMP_ACT_TRACE,
	SPEC_SCMP_ACT_ALLOW,
	SPEC_SCMP_ACT_LOG,
	SPEC_SCMP_ACT_NOTIFY,
};

/* Same order and values as libseccomp's enum scmp_compare. */
enum spec_scmp_op {
	SPEC_SCMP_CMP_NE = 1,
	SPEC_SCMP_CMP_LT,
	SPEC_SCMP_CMP_LE,
	SPEC_SCMP_CMP_EQ,
	SPEC_SCMP_CMP_GE,
	SPEC_SCMP_CMP_GT,
	SPEC_SCMP_CMP_MASKED_EQ,
};

struct spec_seccomp_arg {
	uint32_t index;		/* 0..5 */
	uint64_t value, value_two;
	int op;			/* enum spec_scmp_op */
};

struct spec_seccomp_syscall {
	struct spec_strv names;		/* non-empty */
	int action;			/* enum spec_scmp_action */
	bool has_errno_ret;
	uint32_t errno_ret;
	SPEC_LIST(struct spec_seccomp_arg) args;
};

struct spec_seccomp {
	int default_action;		/* enum spec_scmp_action */
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct spec_strv architectures;	/* validated "SCMP_ARCH_*" names */
	uint32_t flags;			/* SECCOMP_FILTER_FLAG_* bits (kernel values) */
	char *listener_path;
	char *listener_metadata;
	SPEC_LIST(struct spec_seccomp_syscall) syscalls;
};

struct spec_personality {
	unsigned long domain;	/* PER_LINUX (0) or PER_LINUX32 (8) */
};

struct spec_linux {
	SPEC_LIST(struct spec_namespace) namespaces;
	unsigned long ns_flags;		/* OR of every namespaces[].type */
	SPEC_LIST(struct spec_id_map) uid_mappings;
	SPEC_LIST(struct spec_id_map) gid_mappings;
	struct spec_time_offset time_monotonic, time_boottime;
	SPEC_LIST(struct spec_device) devices;
	char *cgroups_path;
	bool has_resources;
	struct spec_resources resources;
	unsigned long rootfs_propagation;	/* MS_* | MS_REC, 0 if absent */
	struct spec_strv masked_paths;		/* absolute */
	struct spec_strv readonly_paths;	/* absolute */
	char *mount_label;
	struct spec_map sysctl;
	bool has_seccomp;
	struct spec_seccomp seccomp;
	bool has_personality;
	struct spec_personality personality;
	bool has_net_devices;			/* 1.2: host name -> name in container */
	struct spec_map net_devices;		/* value NULL: keep the name */
};

struct spec_arena;

struct spec {
	char *oci_version;		/* "1.x..." */
	bool has_root;			/* always true for a config.json */
	struct spec_root root;
	SPEC_LIST(struct spec_mount) mounts;
	bool has_process;
	struct spec_process process;
	char *hostname;
	char *domainname;
	bool has_hooks;
	struct spec_hooks hooks;
	struct spec_map annotations;
	bool has_linux;
	struct spec_linux linux_cfg;	/* not "linux": GNU C predefines that as 1 */
	struct spec_arena *arena;	/* owns all of the above */
};

/* Parse and validate a config.json held in memory (need not be NUL-terminated). */
int spec_parse(const char *json, size_t len, struct spec **out, struct tr_err *err);

/* Read and parse a file; errors are prefixed with the path. */
int spec_load(const char *path, struct spec **out, struct tr_err *err);

/*
 * Parse a standalone process object (`tinyrun exec --process FILE`): the
 * result is a struct spec with only has_process and process filled, freed
 * with spec_free(). Error paths start at the object's own keys ("cwd: ...").
 */
int spec_parse_process(const char *json, size_t len, struct spec **out, struct tr_err *err);
int spec_load_process(const char *path, struct spec **out, struct tr_err *err);

/*
 * Parse a standalone linux.resources object (`tinyrun update --resources`):
 * the result has only has_linux, linux_cfg.has_resources and
 * linux_cfg.resources filled. Error paths start at the object's own keys
 * ("memory.limit: ...").
 */
int spec_parse_resources(const char *json, size_t len, struct spec **out, struct tr_err *err);

void spec_free(struct spec *s);

/* ---- name tables (spec_names.c), usable by any module ---- */

#define SPEC_CAP_LAST 40	/* CAP_CHECKPOINT_RESTORE */

int spec_cap_from_name(const char *name);	/* "CAP_SYS_ADMIN" -> 21, -1 if unknown */
const char *spec_cap_name(int cap);		/* NULL if out of range */
int spec_rlimit_from_name(const char *name);	/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE, -1 */
const char *spec_rlimit_name(int type);
int spec_signal_from_name(const char *name);	/* "KILL", "SIGKILL", "9", "RTMIN+3"; -1 */
unsigned long spec_ns_from_name(const char *name);	/* "pid" -> CLONE_NEWPID, 0 if unknown */
const char *spec_ns_name(unsigned long flag);
const struct spec_mount_opt *spec_mount_option(const char *name);	/* NULL: filesystem data */
const struct spec_mount_opt *spec_mount_option_at(size_t i);	/* the table, NULL past its end */
unsigned long spec_propagation_from_name(const char *name);	/* "rprivate" -> MS_PRIVATE|MS_REC, 0 */
int spec_scmp_action_from_name(const char *name);	/* -1 if unknown */
int spec_scmp_op_from_name(const char *name);
bool spec_scmp_arch_known(const char *name);
long long spec_scmp_flag_from_name(const char *name);	/* SECCOMP_FILTER_FLAG_*, -1 */
int spec_sched_policy_from_name(const char *name);
long long spec_sched_flag_from_name(const char *name);
int spec_ioprio_class_from_name(const char *name);
bool spec_cpuset_valid(const char *list);	/* "0-3,5"; "" is valid (unset) */

#ifdef SPEC_INTERNAL
/*
 * Parser engine shared by core/spec*.c only (kept here rather than in a
 * separate header so the spec module stays one header). Each JSON object is
 * described by a key table of struct spec_field; spec_parse_object() walks the
 * table, converts and range-checks every value and stores it at the field's
 * offset, then calls the table's check() for rules that involve several fields.
 */
#include <cjson/cJSON.h>

#define SPEC_PATH_MAX 256
#define SPEC_NO_HAS ((size_t)-1)

struct spec_ctx {
	struct spec_arena *arena;	/* newest chunk first */
	struct tr_err *err;
	const char *text;		/* the raw JSON, for exact integers */
	size_t len;
	size_t *num_off;		/* offset of each number token, document order */
	size_t nnum;
	struct spec *spec;
	char path[SPEC_PATH_MAX];	/* JSON path of the value being parsed */
	size_t plen;
};

enum spec_ftype { SF_STR = 1, SF_BOOL, SF_INT, SF_STRV, SF_OBJ, SF_LIST, SF_FN };

#define SF_REQ		0x01	/* key must be present */
#define SF_ABS		0x02	/* string (or each string) must be an absolute path */
#define SF_NONEMPTY	0x04	/* string or array must not be empty */
#define SF_ENV		0x08	/* each string must be KEY=VALUE */

struct spec_ctx;
typedef int (*spec_fn)(struct spec_ctx *c, const cJSON *item, void *dst);

struct spec_table;

struct spec_field {
	const char *key;
	unsigned char type;	/* enum spec_ftype */
	unsigned char flags;	/* SF_* */
	unsigned char isize;	/* SF_INT: width of the C field in bytes */
	size_t off;		/* where the value goes */
	size_t has_off;		/* bool set when the key is present, or SPEC_NO_HAS */
	int64_t min;		/* SF_INT: allowed range */
	uint64_t max;
	const struct spec_table *sub;	/* SF_OBJ, SF_LIST */
	spec_fn fn;		/* SF_FN */
};

struct spec_table {
	const struct spec_field *fields;
	size_t nfields;
	size_t size;		/* size of the C struct (list elements) */
	int (*check)(struct spec_ctx *c, void *obj);	/* may be NULL */
};

#define SPEC_TABLE(name, T, check_fn) \
	const struct spec_table name = { name##_fields, \
		sizeof(name##_fields) / sizeof(name##_fields[0]), sizeof(T), check_fn }

#define SPEC_HAS(T, m) offsetof(T, has_##m)
#define F_STR(T, k, m, fl) { .key = k, .type = SF_STR, .flags = fl, \
	.off = offsetof(T, m), .has_off = SPEC_NO_HAS }
#define F_BOOL(T, k, m) { .key = k, .type = SF_BOOL, .off = offsetof(T, m), .has_off = SPEC_NO_HAS }
#define F_BOOLH(T, k, m) { .key = k, .type = SF_BOOL, .off = offsetof(T, m), .has_off = SPEC_HAS(T, m) }
#define F_INTX(T, k, m, fl, ...) F_INTX_(T, k, m, fl, __VA_ARGS__)
#define F_INTX_(T, k, m, fl, has, lo, hi) { .key = k, .type = SF_INT, .flags = fl, \
	.isize = sizeof(((T *)0)->m), .off = offsetof(T, m), .has_off = has, .min = lo, .max = hi }
/* integers: plain (absent = 0), with has_<m> flag (H), required (R) */
#define F_INT(T, k, m, ...) F_INTX(T, k, m, 0, SPEC_NO_HAS, __VA_ARGS__)
#define F_INTH(T, k, m, ...) F_INTX(T, k, m, 0, SPEC_HAS(T, m), __VA_ARGS__)
#define F_INTR(T, k, m, ...) F_INTX(T, k, m, SF_REQ, SPEC_NO_HAS, __VA_ARGS__)
#define F_STRV(T, k, m, fl) { .key = k, .type = SF_STRV, .flags = fl, \
	.off = offsetof(T, m), .has_off = SPEC_NO_HAS }
#define F_OBJ(T, k, m, has, tab) { .key = k, .type = SF_OBJ, .off = offsetof(T, m), \
	.has_off = has, .sub = &tab }
#define F_LIST(T, k, m, fl, tab) { .key = k, .type = SF_LIST, .flags = fl, \
	.off = offsetof(T, m), .has_off = SPEC_NO_HAS, .sub = &tab }
#define F_FN(T, k, m, fl, has, f) { .key = k, .type = SF_FN, .flags = fl, \
	.off = offsetof(T, m), .has_off = has, .fn = f }

/* ranges of the C types, for F_INT* (the macros are variadic so these expand to two arguments) */
#define I32_RANGE INT32_MIN, INT32_MAX
#define U32_RANGE 0, UINT32_MAX
#define I64_RANGE INT64_MIN, INT64_MAX
#define U64_RANGE 0, UINT64_MAX

/* spec_json.c */
void *spec_alloc(struct spec_ctx *c, size_t size);	/* zeroed; NULL only on ENOMEM (err set) */
char *spec_strdup(struct spec_ctx *c, const char *s);
size_t spec_path_push(struct spec_ctx *c, const char *fmt, ...) TR_PRINTF(2, 3);
void spec_path_pop(struct spec_ctx *c, size_t old);
int spec_err(struct spec_ctx *c, const char *fmt, ...) TR_PRINTF(2, 3);
int spec_err_at(struct spec_ctx *c, const char *key, const char *fmt, ...) TR_PRINTF(3, 4);
int spec_parse_object(struct spec_ctx *c, const cJSON *obj, const struct spec_table *t, void *base);
int spec_get_string(struct spec_ctx *c, const cJSON *item, char **out);
int spec_get_int(struct spec_ctx *c, const cJSON *item, int64_t lo, uint64_t hi, int64_t *sv, uint64_t *uv);
int spec_get_strv(struct spec_ctx *c, const cJSON *item, unsigned flags, struct spec_strv *out);
/* An array of flag names, each mapped by lookup (<0: unknown, an error naming
 * "[i]" and `what`), ORed into *mask. */
int spec_get_flag_names(struct spec_ctx *c, const cJSON *item, long long (*lookup)(const char *),
			const char *what, uint64_t *mask);
int spec_get_map(struct spec_ctx *c, const cJSON *item, struct spec_map *out,
		 int (*check_key)(struct spec_ctx *c, const char *key));
int spec_expect(struct spec_ctx *c, const cJSON *item, int type, const char *what);
int spec_document(const char *json, size_t len, struct spec **out, struct tr_err *err,
		  const struct spec_table *t, bool top_is_process);

/* the key tables, one file per part of the spec */
extern const struct spec_table spec_process_table;	/* spec_process.c */
extern const struct spec_table spec_linux_table;	/* spec_linux.c */
extern const struct spec_table spec_resources_table;	/* spec_resources.c */
#endif /* SPEC_INTERNAL */

#endif
