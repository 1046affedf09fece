# tinyrun features reports what the build under test was configured with.

# The configuration the binary was built from sits next to it (build/<arch>[/boards/B]/.config
# for board builds; the top-level .config for plain builds).
features_config() {
	d=$(dirname "$TINYRUN")
	for c in "$d/.config" "$d/../../.config" "$d/../.config"; do
		[ -f "$c" ] && { echo "$c"; return 0; }
	done
	return 1
}

test_features_follow_kconfig() {
	require_cmd jq
	cfg=$(features_config) || skip "no .config next to $TINYRUN"
	out=$(tr features)
	if grep -qx 'CONFIG_HOOKS=y' "$cfg"; then
		assert_eq "$(echo "$out" | jq -c .hooks)" \
			'["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
	else
		assert_eq "$(echo "$out" | jq -c .hooks)" '[]'
	fi
	if grep -qx 'CONFIG_NS_USER=y' "$cfg"; then
		assert_eq "$(echo "$out" | jq '.linux.namespaces | index("user") != null')" true
	else
		assert_eq "$(echo "$out" | jq '.linux.namespaces | index("user") != null')" false
	fi
	if grep -qx 'CONFIG_CAPS=y' "$cfg"; then
		assert_eq "$(echo "$out" | jq '.linux.capabilities | index("CAP_SYS_ADMIN") != null')" true
	else
		assert_eq "$(echo "$out" | jq '.linux.capabilities | length')" 0
	fi
	# pid, mount, uts and ipc are always built in
	assert_eq "$(echo "$out" | jq -c '[.linux.namespaces[] | select(. == "pid" or . == "mount" or . == "uts" or . == "ipc")] | sort')" \
		'["ipc","mount","pid","uts"]'
}

test_features_mount_options_are_the_parsers() {
	require_cmd jq
	out=$(tr features)
	# every option the parser knows, none it rejects (idmap is not supported)
	assert_eq "$(echo "$out" | jq '.mountOptions | index("rbind") != null and index("rro") != null')" true
	assert_eq "$(echo "$out" | jq '.mountOptions | index("idmap")')" null
	assert_eq "$(echo "$out" | jq -r .ociVersionMax)" 1.2.0
}
