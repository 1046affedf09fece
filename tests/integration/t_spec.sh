# t_spec.sh: `tinyrun spec` writes a default config.json like runc's, and a real peer (runc) runs it.

# jq_true FILE FILTER WHAT: the jq filter must be true for FILE.
jq_true() {
	run jq -e "$2" "$1"
	[ "$status" -eq 0 ] && return 0
	fail "$3 (jq -e '$2' $1 gave: $output)"
}

test_spec_writes_default_config() {
	require_cmd jq
	mkdir "$TR_TMP/b"
	assert_ok tr spec --bundle "$TR_TMP/b"
	assert_file_exists "$TR_TMP/b/config.json"
	jq_true "$TR_TMP/b/config.json" . "config.json is valid JSON"
	jq_true "$TR_TMP/b/config.json" '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' "ociVersion is 1.x.y"
	jq_true "$TR_TMP/b/config.json" '.process.args == ["sh"]' "process.args is [\"sh\"]"
	jq_true "$TR_TMP/b/config.json" '.root.path == "rootfs"' "root.path is rootfs"
	jq_true "$TR_TMP/b/config.json" '(.process.capabilities.inheritable // []) == []' \
		"no inheritable capabilities"
	jq_true "$TR_TMP/b/config.json" '[.linux.namespaces[].type] | (index("pid") != null and index("mount") != null)' \
		"namespaces include pid and mount"
}

test_spec_default_bundle_is_cwd() {
	require_cmd jq
	mkdir "$TR_TMP/here"
	cd "$TR_TMP/here"
	assert_ok tr spec
	jq_true "$TR_TMP/here/config.json" '.process.args == ["sh"]' "spec without --bundle writes ./config.json"
}

test_spec_refuses_to_overwrite() {
	mkdir "$TR_TMP/b"
	tr spec --bundle "$TR_TMP/b"
	_before=$(cksum <"$TR_TMP/b/config.json")
	assert_fail tr spec --bundle "$TR_TMP/b"
	assert_contains "$output" "config.json" "the error mentions config.json"
	assert_eq "$(cksum <"$TR_TMP/b/config.json")" "$_before" "config.json unchanged by the refused spec"

	# a file that `spec` did not write is not touched either
	printf '{"mine": true}\n' >"$TR_TMP/b/config.json"
	assert_fail tr spec --bundle "$TR_TMP/b"
	assert_eq "$(cat "$TR_TMP/b/config.json")" '{"mine": true}' "hand-written config.json unchanged"
}

test_spec_missing_bundle_dir_fails() {
	assert_fail tr spec --bundle "$TR_TMP/does-not-exist"
	assert_no_file "$TR_TMP/does-not-exist"
}

test_spec_rootless() {
	require_cmd jq
	mkdir "$TR_TMP/b"
	assert_ok tr spec --rootless --bundle "$TR_TMP/b"
	_c=$TR_TMP/b/config.json
	jq_true "$_c" '[.linux.namespaces[].type] | index("user") != null' "--rootless adds a user namespace"
	jq_true "$_c" '(.linux.uidMappings | length) > 0 and all(.linux.uidMappings[]; .size > 0)' \
		"--rootless adds uid mappings"
	jq_true "$_c" '(.linux.gidMappings | length) > 0 and all(.linux.gidMappings[]; .size > 0)' \
		"--rootless adds gid mappings"
	jq_true "$_c" '(.process.capabilities.inheritable // []) == []' "no inheritable capabilities"
}

# The generated spec must be accepted by a real peer: runc runs a busybox container from it.
test_spec_accepted_by_runc() {
	require_cmd runc jq
	make_bundle "$TR_TMP/b"
	rm "$TR_TMP/b/config.json"
	assert_ok tr spec --bundle "$TR_TMP/b"
	spec_set '.process.args = ["echo", "hello-from-spec"] | .process.terminal = false'
	runc_run_check "$TR_BUNDLE" tinyrun-spec-check
	assert_eq "$output" "hello-from-spec" "output of the container"
}

teardown() {
	runc_cleanup
}
