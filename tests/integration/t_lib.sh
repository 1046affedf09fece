# t_lib.sh: the test library itself: bundles, spec editing, assertions, skips.

test_make_bundle_layout() {
	make_bundle "$TR_TMP/b"
	assert_eq "$TR_BUNDLE" "$TR_TMP/b"
	_r=$TR_TMP/b/rootfs
	[ -x "$_r/bin/busybox" ] || fail "no busybox in the rootfs"
	for _a in sh ls cat echo true false sleep hostname id mount ps grep; do
		[ -L "$_r/bin/$_a" ] || fail "no applet link /bin/$_a"
	done
	assert_contains "$(cat "$_r/etc/passwd")" "root:x:0:0:"
	assert_contains "$(cat "$_r/etc/passwd")" "nobody:x:65534:65534:"
	assert_contains "$(cat "$_r/etc/passwd")" ":x:1000:1000:"
	assert_contains "$(cat "$_r/etc/group")" ":x:1000:"
	# busybox in the rootfs must run on its own (static): run it through its path, not the host's
	assert_ok "$_r/bin/busybox" true
}

test_default_spec_fields() {
	require_cmd jq
	make_bundle "$TR_TMP/b"
	_c=$TR_TMP/b/config.json
	assert_eq "$(jq -r .ociVersion "$_c")" 1.0.2
	assert_eq "$(jq -c .process.args "$_c")" '["sh"]'
	assert_eq "$(jq -r .process.terminal "$_c")" false
	assert_eq "$(jq -r .hostname "$_c")" tinyrun
	assert_eq "$(jq -r .root.path "$_c")" rootfs
	assert_eq "$(jq -c '[.linux.namespaces[].type] | sort' "$_c")" '["ipc","mount","network","pid","uts"]'
	assert_eq "$(jq -c '[.mounts[].destination]' "$_c")" \
		'["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys"]'
	assert_eq "$(jq -c '.process.capabilities.bounding | sort' "$_c")" \
		'["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
	assert_eq "$(jq -r '.process.capabilities | has("inheritable")' "$_c")" false
	assert_eq "$(jq -c '.process.rlimits' "$_c")" '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]'
	assert_ok jq -e '(.linux.maskedPaths | length) > 0 and (.linux.readonlyPaths | length) > 0' "$_c"
}

test_make_bundle_args_round_trip() {
	require_cmd jq
	_odd='quote " backslash \ tab	dollar $HOME star *'
	make_bundle "$TR_TMP/b" sh -c "$_odd" ''
	assert_eq "$(jq -r '.process.args[2]' "$TR_TMP/b/config.json")" "$_odd"
	assert_eq "$(jq -r '.process.args | length' "$TR_TMP/b/config.json")" 4
}

test_spec_set() {
	require_cmd jq
	make_bundle "$TR_TMP/b"
	spec_set '.process.args = ["hostname"]'
	assert_eq "$(spec_get '.process.args[0]')" hostname
	spec_set '.hostname = $h' --arg h other
	assert_eq "$(spec_get .hostname)" other
	# a bad filter fails and leaves the file as it was
	assert_fail spec_set '.process.args = ['
	assert_eq "$(spec_get .hostname)" other
	assert_no_file "$TR_TMP/b/config.json.new"
}

test_bundle_runs_under_runc() {
	require_cmd runc jq
	make_bundle "$TR_TMP/b" sh -c 'hostname; id -u; grep -c . /etc/passwd; echo "$TR_CASE_ID"'
	runc_run_check "$TR_BUNDLE" tinyrun-lib-check
	assert_eq "$output" "tinyrun
0
3
$TR_CASE_ID"
}

test_assertions_fail_when_they_should() {
	# each assertion runs in a subshell: it must exit non-zero and say why
	for _a in 'assert_eq a b' 'assert_ne a a' 'assert_contains abc x' 'assert_not_contains abc b' \
		'assert_match abc ^b' 'assert_ok false' 'assert_fail true' 'assert_exit 2 sh -c "exit 3"' \
		'assert_file_exists /nonexistent/x' 'assert_no_file /' 'fail because'; do
		if _msg=$(eval "$_a" 2>&1); then fail "'$_a' did not fail"; fi
		assert_contains "$_msg" "assertion failed" "'$_a' explains itself"
	done
	assert_exit 3 sh -c 'exit 3'
	assert_eq "$status" 3
}

test_require_cap() {
	# CAP_SYS_RESOURCE is missing from this machine's bounding set; CAP_KILL never is
	run sh -c 'TR_SKIP_FILE=; . "$TR_LIB"; require_cap CAP_KILL; echo present'
	assert_eq "$output" present
	_bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	if [ $(((0x$_bnd >> 24) & 1)) -eq 0 ]; then
		run sh -c 'TR_SKIP_FILE=; . "$TR_LIB"; require_cap CAP_SYS_RESOURCE; echo present'
		assert_eq "$status" 77 "require_cap skips (exit 77) when the capability is missing"
	fi
}

teardown() {
	runc_cleanup
}
