# t_badinput.sh: broken and hostile bundles. Each case drives the real CLI as root on a busybox bundle
# and checks that `create` and `run` both
#   1. fail (exit status 1),
#   2. print one error that names what is wrong (the JSON path, the file, the errno text),
#   3. write the same message as an error line to the JSON log (--log F --log-format json),
#   4. leave nothing behind: `list -q` empty, TR_ROOT empty, no tinyrun or container process, no mount.
# One test function per case (so the runner's count is the number of cases); most are one line:
#   bad_jq JQ_FILTER EXPECTED   edit the default config.json with jq, then expect_fail EXPECTED
#   expect_fail EXPECTED [ID]   for a config.json written some other way (raw bytes with printf, ...)
# The tail of the file holds the cases that get past create (a failing `start`) and two where a path
# that points out of the rootfs must resolve inside it (documented there).

setup() {
	make_bundle "$TR_TMP/b" true
}

# nothing_left: no container, state, tinyrun or container process, or mount of this case remains.
nothing_left() {
	_nl_what=$1
	run tr list -q
	[ "$status" -eq 0 ] || fail "$_nl_what: list -q failed: $output"
	assert_eq "$output" "" "$_nl_what: list -q shows a container"
	assert_eq "$(ls -A "$TR_ROOT")" "" "$_nl_what: TR_ROOT is not empty"
	_nl_real=$(readlink -f "$TINYRUN")
	for _nl_p in /proc/[0-9]*; do
		_nl_exe=$(readlink "$_nl_p/exe" 2>/dev/null) || continue
		_nl_root=$(readlink "$_nl_p/root" 2>/dev/null) || _nl_root=/
		# a tinyrun of this case (others may run the same binary at the same time)
		case "$_nl_exe" in "$_nl_real" | "$_nl_real (deleted)")
			if { command tr '\0' '\n' <"$_nl_p/environ" | grep -qxF "TR_CASE_ID=$TR_CASE_ID"; } 2>/dev/null; then
				fail "$_nl_what: a tinyrun process is left: ${_nl_p#/proc/}"
			fi ;;
		esac
		case "$_nl_root" in "$TR_TMP"/*)
			fail "$_nl_what: a container process is left: ${_nl_p#/proc/} ($_nl_exe, root $_nl_root)" ;;
		esac
	done
	if awk -v t="$TR_TMP" -v r="$TR_ROOT" \
		'index($5, t "/") == 1 || index($5, r "/") == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		fail "$_nl_what: a mount is left below $TR_TMP or $TR_ROOT"
	fi
}

# log_has_error LOG MESSAGE: LOG (JSON lines) has an error line whose msg is MESSAGE.
log_has_error() {
	[ -s "$1" ] || fail "the JSON log $1 is empty"
	if command -v jq >/dev/null 2>&1; then
		_lh=$(jq -r 'select(.level == "error") | .msg' "$1") || fail "the log is not JSON lines: $(cat "$1")"
		assert_eq "$_lh" "$2" "the JSON log's error line has the message printed on stderr"
	else
		# busybox (the VMs): no jq; the message is on a line with level error
		grep -q '"level":"error"' "$1" || fail "no error line in the JSON log: $(cat "$1")"
	fi
}

# cli_fails CMD ID WANT [ARGS]: one `tinyrun CMD` with a JSON log must fail as described above.
cli_fails() {
	_cf_cmd=$1
	_cf_id=$2
	_cf_want=$3
	shift 3
	_cf_log=$TR_TMP/$_cf_cmd.log.json
	rm -f "$_cf_log"
	if "$TINYRUN" --root "$TR_ROOT" --log "$_cf_log" --log-format json "$_cf_cmd" "$@" "$_cf_id" \
		</dev/null >"$TR_TMP/$_cf_cmd.out" 2>"$TR_TMP/$_cf_cmd.err"; then
		fail "$_cf_cmd succeeded on a bad bundle (expected: $_cf_want)" "stdout: $(cat "$TR_TMP/$_cf_cmd.out")"
	else
		_cf_st=$?
	fi
	_cf_err=$(cat "$TR_TMP/$_cf_cmd.err")
	assert_eq "$_cf_st" 1 "$_cf_cmd: exit status (stderr: $_cf_err)"
	assert_contains "$_cf_err" "$_cf_want" "$_cf_cmd: the error is the specific one"
	assert_eq "$(printf '%s\n' "$_cf_err" | wc -l | command tr -d ' ')" 1 "$_cf_cmd: one line on stderr"
	assert_match "$_cf_err" '^tinyrun: ' "$_cf_cmd: the error starts with the program name"
	log_has_error "$_cf_log" "${_cf_err#tinyrun: }"
	nothing_left "$_cf_cmd"
}

# expect_fail EXPECTED [ID]: create, then run, of $TR_BUNDLE fail with EXPECTED and leave nothing.
expect_fail() {
	cli_fails create "${2-tinyrun-bad}" "$1" --bundle "$TR_BUNDLE"
	cli_fails run "${2-tinyrun-bad}" "$1" --bundle "$TR_BUNDLE"
}

# bad_jq FILTER EXPECTED [JQ_ARGS...]
bad_jq() {
	_bj_want=$2
	_bj_f=$1
	shift 2
	spec_set "$_bj_f" "$@"
	expect_fail "$_bj_want"
}

# sed_spec SED_SCRIPT: edit config.json with sed (for literals jq would rewrite, e.g. 1e30).
sed_spec() {
	sed "$1" "$TR_BUNDLE/config.json" >"$TR_BUNDLE/config.json.new"
	mv "$TR_BUNDLE/config.json.new" "$TR_BUNDLE/config.json"
}

# ---------------------------------------------------------------- wrong JSON types
test_type_ociversion_number() { bad_jq '.ociVersion = 1' 'ociVersion: expected string, got number'; }
test_type_linux_string() { bad_jq '.linux = "x"' 'linux: expected object, got string'; }
test_type_terminal_string() { bad_jq '.process.terminal = "yes"' 'process.terminal: expected boolean, got string'; }
test_type_readonly_number() { bad_jq '.root.readonly = 1' 'root.readonly: expected boolean, got number'; }
test_type_mounts_object() { bad_jq '.mounts = {}' 'mounts: expected array, got object'; }
test_type_mount_number() { bad_jq '.mounts = [1]' 'mounts[0]: expected object, got number'; }
test_type_args_number() { bad_jq '.process.args = [1]' 'process.args[0]: expected string, got number'; }
test_type_env_string() { bad_jq '.process.env = "PATH=/bin"' 'process.env: expected array of strings, got string'; }
test_type_hostname_array() { bad_jq '.hostname = ["a"]' 'hostname: expected string, got array'; }
test_type_namespace_string() { bad_jq '.linux.namespaces[0] = "pid"' 'linux.namespaces[0]: expected object, got string'; }
test_type_caps_string() {
	bad_jq '.process.capabilities.bounding = "CAP_KILL"' \
		'process.capabilities.bounding: expected array of strings, got string'
}
test_type_annotation_number() { bad_jq '.annotations = {"a": 1}' 'annotations.a: expected string, got number'; }
test_type_uid_string() { bad_jq '.process.user.uid = "0"' 'process.user.uid: expected integer, got string'; }

# ---------------------------------------------------------------- missing required fields
test_missing_ociversion() { bad_jq 'del(.ociVersion)' 'config.json: ociVersion: required'; }
test_missing_root() { bad_jq 'del(.root)' 'config.json: root: required'; }
test_missing_root_path() { bad_jq 'del(.root.path)' 'config.json: root.path: required'; }
test_missing_process_args() { bad_jq 'del(.process.args)' 'config.json: process.args: required'; }
test_missing_process_cwd() { bad_jq 'del(.process.cwd)' 'config.json: process.cwd: required'; }
test_missing_process() { bad_jq 'del(.process)' 'process: required to create a container'; }
test_empty_args() { bad_jq '.process.args = []' 'process.args: must not be empty'; }

# ---------------------------------------------------------------- relative paths
test_relative_mount_destination() {
	bad_jq '.mounts[0].destination = "proc"' 'mounts[0].destination: must be an absolute path, got "proc"'
}
test_relative_cwd() { bad_jq '.process.cwd = "tmp"' 'process.cwd: must be an absolute path, got "tmp"'; }
test_relative_masked_path() {
	bad_jq '.linux.maskedPaths = ["proc/kcore"]' 'linux.maskedPaths[0]: must be an absolute path, got "proc/kcore"'
}
test_relative_hook_path() {
	bad_jq '.hooks.prestart = [{"path": "rel/hook"}]' 'hooks.prestart[0].path: must be an absolute path, got "rel/hook"'
}

# ---------------------------------------------------------------- namespaces and id mappings
test_ns_unknown() {
	bad_jq '.linux.namespaces += [{"type": "foo"}]' 'linux.namespaces[5].type: unknown namespace type "foo"'
}
test_ns_duplicate() {
	bad_jq '.linux.namespaces += [{"type": "pid"}]' 'linux.namespaces[5].type: duplicate namespace "pid"'
}
test_ns_path_missing() {
	bad_jq '.linux.namespaces[1].path = "/nonexistent/netns"' \
		'linux.namespaces[1].path: /nonexistent/netns: No such file or directory'
}
test_ns_path_not_a_namespace() {
	bad_jq '.linux.namespaces[1].path = "/etc/passwd"' 'linux.namespaces[1]: join /etc/passwd: Invalid argument'
}
test_mappings_without_userns() {
	bad_jq '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]' \
		'linux.uidMappings: id mappings need a user namespace (linux.namespaces)'
}
test_mapping_size_zero() {
	bad_jq '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 0}]' \
		'linux.uidMappings[0].size: must be greater than 0'
}
test_hostname_without_uts() {
	bad_jq '.linux.namespaces -= [{"type": "uts"}]' 'hostname: needs a uts namespace (linux.namespaces)'
}

# ---------------------------------------------------------------- process
test_rlimit_unknown() { bad_jq '.process.rlimits[0].type = "RLIMIT_FOO"' 'process.rlimits[0].type: unknown rlimit "RLIMIT_FOO"'; }
test_rlimit_soft_above_hard() {
	bad_jq '.process.rlimits[0].soft = 2048' 'process.rlimits[0]: soft limit 2048 is above hard limit 1024'
}
test_capability_unknown() {
	bad_jq '.process.capabilities.bounding += ["CAP_FOO"]' 'process.capabilities.bounding[3]: unknown capability "CAP_FOO"'
}
test_env_without_equals() { bad_jq '.process.env = ["PATH=/bin", "NOEQ"]' 'process.env[1]: expected "KEY=VALUE", got "NOEQ"'; }

# ---------------------------------------------------------------- numbers
test_uid_negative() { bad_jq '.process.user.uid = -1' 'process.user.uid: -1 out of range 0..4294967295'; }
test_uid_2pow32() { bad_jq '.process.user.uid = 4294967296' 'process.user.uid: 4294967296 out of range 0..4294967295'; }
test_uid_fraction() { bad_jq '.process.user.uid = 1.5' 'process.user.uid: expected integer, got 1.5'; }
test_uid_1e30() {
	spec_set '.process.user.uid = 424242'
	sed_spec 's/424242/1e30/'
	expect_fail 'process.user.uid: expected integer, got 1e30'
}
test_gid_negative_in_list() {
	bad_jq '.process.user.additionalGids = [1, -2]' 'process.user.additionalGids[1]: -2 out of range 0..4294967295'
}
test_rlimit_2pow64() {
	spec_set '.process.rlimits[0].hard = 424242'
	sed_spec 's/424242/18446744073709551616/'
	expect_fail 'process.rlimits[0].hard: 18446744073709551616 out of range 0..18446744073709551615'
}
test_oom_score_adj_huge() { bad_jq '.process.oomScoreAdj = 5000' 'process.oomScoreAdj: 5000 out of range -1000..1000'; }
test_ociversion_2() { bad_jq '.ociVersion = "2.0.0"' 'ociVersion: unsupported version "2.0.0" (expected 1.x)'; }

# ---------------------------------------------------------------- the file itself (raw bytes)
test_raw_invalid_utf8() {
	printf '{"ociVersion": "1.0.2", "process": {"args": ["\377\376"], "cwd": "/"}, "root": {"path": "rootfs"}}' \
		>"$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON near line 1 col 47 (byte 46): invalid UTF-8 in string'
}
test_raw_nul_escape() {
	spec_set '.process.args = ["a\u0000b"]'
	expect_fail 'string contains NUL (\u0000)'
}
test_raw_nul_byte() {
	printf '{"ociVersion": "1.0.2", "process": {"args": ["a\000b"], "cwd": "/"}, "root": {"path": "rootfs"}}' \
		>"$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON near line 1 col 48 (byte 47): control character in string'
}
test_raw_truncated() {
	head -c 300 "$TR_BUNDLE/config.json" >"$TR_TMP/cut"
	mv "$TR_TMP/cut" "$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON near line '
}
test_raw_truncated_at_end() {
	printf '{"ociVersion": "1.0.2", "root": {"path": "rootfs"' >"$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON near line 1 col 49 (byte 48): unexpected end of input'
}
test_raw_trailing_garbage() {
	printf '}x\n' >>"$TR_BUNDLE/config.json"
	expect_fail 'trailing data after the JSON value'
}
test_raw_empty() {
	: >"$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON: empty document'
}
test_raw_top_array() {
	printf '[]\n' >"$TR_BUNDLE/config.json"
	expect_fail 'config.json: expected a JSON object at the top level, got array'
}
test_raw_junk_5mib() {
	# 5 MiB of text: under the 16 MiB limit, so the parser has to reject it
	yes 'junk, not JSON: {[ "' | head -c 5242880 >"$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON near line 1 col 1 (byte 0): syntax error'
}
test_raw_unterminated_5mib_string() {
	{
		printf '{"ociVersion": "1.0.2", "annotations": {"a": "'
		yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | command tr -d '\n' | head -c 5242880
	} >"$TR_BUNDLE/config.json"
	# cJSON stops where the string starts
	expect_fail 'config.json: invalid JSON near line 1 col 47 (byte 46): syntax error'
}
test_raw_over_size_limit() {
	# a sparse file: 17 MiB long without writing 17 MiB
	dd if=/dev/zero of="$TR_BUNDLE/config.json" bs=1 count=0 seek=17825792 2>/dev/null
	expect_fail 'config.json: larger than 16777216 bytes'
}
test_raw_deep_nesting() {
	# 10000 nested arrays: must be refused (not crash, not recurse 10000 deep)
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "["; for (i = 0; i < 10000; i++) printf "]"; print "" }' \
		>"$TR_BUNDLE/config.json"
	expect_fail 'config.json: invalid JSON near line 1 col 1001 (byte 1000): arrays and objects nested deeper than 1000 levels'
}

# ---------------------------------------------------------------- bundle, config.json and root on disk
test_config_is_directory() {
	rm "$TR_BUNDLE/config.json"
	mkdir "$TR_BUNDLE/config.json"
	expect_fail 'config.json: not a regular file: Is a directory'
}
test_config_is_fifo() {
	# open(2) of a FIFO blocks until a writer comes: it must be refused, not hang
	rm "$TR_BUNDLE/config.json"
	mkfifo "$TR_BUNDLE/config.json"
	expect_fail 'config.json: not a regular file: Invalid argument'
}
test_config_missing() {
	rm "$TR_BUNDLE/config.json"
	expect_fail 'config.json: cannot open: No such file or directory'
}
test_bundle_missing() {
	TR_BUNDLE=$TR_TMP/no-such-bundle
	expect_fail "bundle $TR_TMP/no-such-bundle: No such file or directory"
}
test_root_path_missing() { bad_jq '.root.path = "nope"' "root.path: $TR_BUNDLE/nope: No such file or directory"; }
test_root_path_is_file() {
	: >"$TR_BUNDLE/afile"
	bad_jq '.root.path = "afile"' "root.path: $TR_BUNDLE/afile: not a directory"
}

# ---------------------------------------------------------------- container ids
test_id_with_slash() { expect_fail 'invalid container id: byte 0x2f at offset 3 is not one of' 'abc/def'; }
test_id_dotdot() { expect_fail 'invalid container id ".."' '..'; }
test_id_300_chars() {
	expect_fail 'invalid container id: 300 bytes long, at most 255 allowed' \
		"$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "a" }')"
}
test_id_empty() { expect_fail 'invalid container id: empty' ''; }

# ---------------------------------------------------------------- features this build lacks
# (cgroups: a controller that is not mounted here, neither on the hosts nor in the VMs)
test_resources_controller_not_mounted() {
	bad_jq '.linux.resources = {"network": {"classID": 1}}' \
		'linux.resources.network.classID: no net_cls cgroup controller here'
}
test_cgroups_path_dotdot() {
	bad_jq '.linux.cgroupsPath = "a/../../tinyrun-bad"' \
		'linux.cgroupsPath: ".." is not allowed'
}
test_seccomp_needs_seccomp_module() {
	bad_jq '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}' \
		'linux.seccomp: not supported by this build (no seccomp module)'
}
test_sysctl_not_namespaced() {
	bad_jq '.linux.sysctl = {"vm.swappiness": "1"}' \
		'linux.sysctl["vm.swappiness"]: not a namespaced sysctl: setting it would change the host'
}
test_sysctl_without_its_namespace() {
	bad_jq '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces -= [{"type": "network"}]' \
		'linux.sysctl["net.ipv4.ip_forward"]: needs the network namespace in linux.namespaces'
}

# ---------------------------------------------------------------- hooks
test_hook_missing() {
	bad_jq '.hooks.createRuntime = [{"path": "/nonexistent/hook"}]' \
		'hooks.createRuntime[0]: /nonexistent/hook: No such file or directory'
}
test_hook_missing_in_container() {
	bad_jq '.hooks.createContainer = [{"path": "/nonexistent/hook"}]' \
		'hooks.createContainer[0]: /nonexistent/hook: No such file or directory'
}
test_hook_not_executable() {
	bad_jq '.hooks.prestart = [{"path": "/etc/passwd"}]' 'hooks.prestart[0]: /etc/passwd: Permission denied'
}
test_hook_fails() {
	bad_jq '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]' \
		'hooks.createRuntime[0] (/bin/sh): exited with status 3'
}
test_hook_timeout_kills_its_children() {
	# the hook's own child (a background sleep) must not outlive the failed create either
	bad_jq '.hooks.createRuntime = [{"path": "/bin/sh", "timeout": 1,
		"args": ["sh", "-c", "sleep 60 & echo $! >>\($d)/hook.pids; wait"]}]' \
		'hooks.createRuntime[0] (/bin/sh): timed out after 1 s' --arg d "$TR_TMP"
	assert_eq "$(wc -l <"$TR_TMP/hook.pids" | command tr -d ' ')" 2 "the hook ran once for create and once for run"
	while read -r _p; do
		if [ -d "/proc/$_p" ] && ! grep -q '^State:.*Z' "/proc/$_p/status" 2>/dev/null; then
			fail "the hook's child $_p is still running"
		fi
	done <"$TR_TMP/hook.pids"
}

# ---------------------------------------------------------------- applying the spec in the container
test_bind_source_missing() {
	bad_jq '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-src", "options": ["bind"]}]' \
		'mounts[6] /mnt: source /nonexistent-src: No such file or directory'
}
test_mount_type_unknown() {
	bad_jq '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "x"}]' \
		'mounts[6] /mnt: mount (type nosuchfs, flags 0x0): No such device'
}
test_mount_option_invalid() {
	bad_jq '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["size=nonsense"]}]' \
		'mounts[6] /mnt: mount (type tmpfs, flags 0x0, size=nonsense): Invalid argument'
}
test_cwd_missing() { bad_jq '.process.cwd = "/nonexistent-dir"' 'process.cwd: "/nonexistent-dir": No such file or directory'; }
test_cwd_symlink_to_host_path() {
	# an absolute symlink to a directory that exists only on the host: followed inside the
	# container's root, where it does not exist
	mkdir "$TR_TMP/host-only"
	ln -s "$TR_TMP/host-only" "$TR_BUNDLE/rootfs/escape"
	bad_jq '.process.cwd = "/escape"' 'process.cwd: "/escape": No such file or directory'
}
test_args0_missing_run() {
	# create succeeds here (see below): only run fails
	spec_set '.process.args = ["/nonexistent-bin"]'
	cli_fails run tinyrun-bad 'process.args[0]: "/nonexistent-bin": exec: No such file or directory' \
		--bundle "$TR_BUNDLE"
}

# create succeeds (runc's create fails here; the runtime-spec lets either fail): start must fail naming
# process.args[0], leave the container stopped, and delete must remove everything.
test_args0_missing_start() {
	spec_set '.process.args = ["nonexistent-bin"]'
	# the init keeps create's stdout: a file, not a pipe that $(...) would wait on
	tr create --bundle "$TR_BUNDLE" tinyrun-bad >"$TR_TMP/create.out" 2>&1 ||
		fail "create failed: $(cat "$TR_TMP/create.out")"
	cli_start_fails=$TR_TMP/start.log.json
	if "$TINYRUN" --root "$TR_ROOT" --log "$cli_start_fails" --log-format json start tinyrun-bad \
		</dev/null >"$TR_TMP/start.out" 2>"$TR_TMP/start.err"; then
		tr delete --force tinyrun-bad
		fail "start of a container whose process.args[0] does not exist succeeded"
	fi
	_err=$(cat "$TR_TMP/start.err")
	assert_contains "$_err" 'process.args[0]: "nonexistent-bin": executable file not found in $PATH'
	log_has_error "$cli_start_fails" "${_err#tinyrun: }"
	assert_ok tr state tinyrun-bad
	assert_contains "$output" '"status": "stopped"' "the container is stopped after the failed start"
	assert_ok tr delete tinyrun-bad
	nothing_left "delete after a failed start"
}

# ---------------------------------------------------------------- paths out of the rootfs
# A mount destination that is a symlink pointing out of the rootfs is resolved inside the rootfs (as
# if the rootfs were /): the mount lands at ROOTFS/<target>, never on the host path.
test_mount_dest_symlink_out_of_rootfs() {
	mkdir "$TR_TMP/host1" "$TR_TMP/host2" "$TR_TMP/src"
	: >"$TR_TMP/host1/keep"
	: >"$TR_TMP/host2/keep"
	ln -s "$TR_TMP/host1" "$TR_BUNDLE/rootfs/escape"
	ln -s "../../../../../../../../..$TR_TMP/host2" "$TR_BUNDLE/rootfs/escape2"
	spec_set '.root.readonly = false
		| .process.args = ["sh", "-c", "touch /escape/a /escape2/b && ls /escape /escape2"]
		| .mounts += [{"destination": "/escape", "type": "bind", "source": $s, "options": ["rbind"]},
			{"destination": "/escape2", "type": "tmpfs", "source": "tmpfs"}]' --arg s "$TR_TMP/src"
	assert_ok tr run --bundle "$TR_BUNDLE" tinyrun-esc
	# the host directories are untouched; the mounts worked, inside the rootfs
	assert_eq "$(ls -A "$TR_TMP/host1")" keep "the host path behind the absolute symlink is untouched"
	assert_eq "$(ls -A "$TR_TMP/host2")" keep "the host path behind the ../ symlink is untouched"
	assert_file_exists "$TR_TMP/src/a"
	assert_file_exists "$TR_BUNDLE/rootfs$TR_TMP/host1"
	assert_file_exists "$TR_BUNDLE/rootfs$TR_TMP/host2"
	assert_no_file "$TR_BUNDLE/rootfs$TR_TMP/host2/b"
	assert_contains "$output" b "the tmpfs on /escape2 holds b"
	nothing_left "run"
}

# cwd through a symlink that points out of the rootfs with "..": chdir happens after pivot_root, so
# ".." stops at the container's / and the cwd resolves inside the rootfs (no error).
test_cwd_symlink_dotdot_resolves_inside() {
	# on the host, rootfs/up leads to $TR_TMP/outside; in the container, to /outside
	mkdir "$TR_TMP/outside" "$TR_BUNDLE/rootfs/outside"
	: >"$TR_TMP/outside/host-marker"
	: >"$TR_BUNDLE/rootfs/outside/rootfs-marker"
	ln -s ../../outside "$TR_BUNDLE/rootfs/up"
	spec_set '.process.cwd = "/up" | .process.args = ["sh", "-c", "pwd -P; ls"]'
	assert_ok tr run --bundle "$TR_BUNDLE" tinyrun-cwd
	assert_contains "$output" rootfs-marker "the cwd is the rootfs's /outside"
	assert_not_contains "$output" host-marker
	assert_match "$output" '^/outside$' "pwd -P inside the container"
	nothing_left "run"
}
