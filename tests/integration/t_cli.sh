# t_cli.sh: the command line itself: --version, --help, unknown commands, features.

test_version() {
	assert_ok "$TINYRUN" --version
	assert_match "$output" '^tinyrun version [^ ]+' "first line names the program and its version"
	assert_match "$output" '^spec: 1\.[0-9]+' "a 'spec: 1.x' line gives the runtime-spec version"
	# containerd and podman pass global flags first: --version must work after --root too
	assert_ok tr --version
	assert_match "$output" '^tinyrun version '
}

test_help_lists_commands() {
	assert_ok "$TINYRUN" --help
	for _c in spec features; do
		assert_match "$output" "(^|[[:space:]])$_c([[:space:],]|\$)" "--help lists the command '$_c'"
	done
}

test_unknown_command_fails() {
	assert_fail tr no-such-command-xyz
	assert_contains "$output" "no-such-command-xyz" "the error names the unknown command"
}

test_unknown_global_option_fails() {
	assert_fail "$TINYRUN" --no-such-option-xyz --version
	assert_contains "$output" "no-such-option-xyz" "the error names the unknown option"
}

test_features_is_json() {
	require_cmd jq
	# containerd calls `features` with no global flags
	"$TINYRUN" features >"$TR_TMP/features.json"
	assert_ok jq -e .ociVersionMin "$TR_TMP/features.json"
	assert_match "$output" '^"1\.[0-9]+\.[0-9]+' "ociVersionMin is a 1.x version"
	assert_ok jq -e '.ociVersionMax | test("^1\\.")' "$TR_TMP/features.json"
}
