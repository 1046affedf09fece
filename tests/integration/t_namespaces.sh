# t_namespaces.sh: linux.namespaces: new ones of each type, user namespace mappings, time offsets,
# joining one by path, and a namespace listed twice. Checked from inside the container.

# in_ctr ID: run the bundle $TR_BUNDLE in the foreground; the case fails unless it exits 0.
in_ctr() {
	assert_ok tr run --bundle "$TR_BUNDLE" "$1" </dev/null
}

# ns_of PID TYPE: the namespace link of a process ("net:[4026531840]").
ns_of() {
	readlink "/proc/$1/ns/$2"
}

# line N: line N of $output.
line() {
	printf '%s\n' "$output" | sed -n "$1p"
}

test_pid_namespace() {
	make_bundle "$TR_TMP/b" sh -c 'echo $$; readlink /proc/self/ns/pid; ls /proc | grep -c "^[0-9]"'
	in_ctr ns-pid
	assert_eq "$(line 1)" 1 "the process is pid 1"
	assert_ne "$(line 2)" "$(ns_of self pid)" "a new pid namespace"
	# sh, ls and grep: no process of the host is visible
	assert_eq "$(line 3)" 3 "processes visible in the container"
}

test_uts_namespace() {
	_host=$(hostname)
	make_bundle "$TR_TMP/b" sh -c 'hostname; readlink /proc/self/ns/uts'
	spec_set '.hostname = "uts-test-box"'
	in_ctr ns-uts
	assert_eq "$(line 1)" uts-test-box
	assert_ne "$(line 2)" "$(ns_of self uts)" "a new uts namespace"
	assert_eq "$(hostname)" "$_host" "the host's hostname is untouched"
}

test_ipc_namespace() {
	make_bundle "$TR_TMP/b" readlink /proc/self/ns/ipc
	in_ctr ns-ipc
	assert_match "$output" '^ipc:\[[0-9]+\]$'
	assert_ne "$output" "$(ns_of self ipc)" "a new ipc namespace"
}

test_mount_namespace() {
	make_bundle "$TR_TMP/b" readlink /proc/self/ns/mnt
	in_ctr ns-mnt
	assert_match "$output" '^mnt:\[[0-9]+\]$'
	assert_ne "$output" "$(ns_of self mnt)" "a new mount namespace"
}

test_network_namespace_only_lo_up() {
	make_bundle "$TR_TMP/b" sh -c 'readlink /proc/self/ns/net; ls /sys/class/net; cat /sys/class/net/lo/flags
		ping -c1 -W2 127.0.0.1 >/dev/null && echo ping-ok'
	spec_set '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'
	in_ctr ns-net
	assert_ne "$(line 1)" "$(ns_of self net)" "a new network namespace"
	assert_eq "$(line 2)" lo "the only interface is lo"
	_flags=$(line 3)
	assert_eq "$((_flags & 1))" 1 "lo is UP (flags $_flags)"
	assert_eq "$(line 4)" ping-ok "127.0.0.1 answers"
}

test_user_namespace_mappings() {
	mkdir "$TR_TMP/shared"
	chown 100000:100000 "$TR_TMP/shared"
	# the mapped root (host uid 100000) must reach the bundle
	chmod 755 "$TR_TMP"
	make_bundle "$TR_TMP/b" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /shared/made-inside'
	mkdir "$TR_TMP/b/rootfs/shared"
	spec_set '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]}]' \
		--arg s "$TR_TMP/shared"
	in_ctr ns-user
	assert_eq "$(line 1 | xargs)" "0 100000 65536" "uid_map"
	assert_eq "$(line 2 | xargs)" "0 100000 65536" "gid_map"
	assert_eq "$(line 3)" 0 "root inside"
	assert_eq "$(stat -c %u:%g "$TR_TMP/shared/made-inside")" 100000:100000 "owner on the host"
}

test_cgroup_namespace() {
	make_bundle "$TR_TMP/b" cat /proc/self/cgroup
	spec_set '.linux.namespaces += [{"type": "cgroup"}]'
	in_ctr ns-cgroup
	[ -n "$output" ] || fail "empty /proc/self/cgroup"
	assert_eq "$(printf '%s\n' "$output" | grep -cv ':/$' || true)" 0 "every hierarchy shows / : $output"
}

test_cgroup_namespace_absent_shows_host_path() {
	grep -qv ':/$' /proc/self/cgroup || skip "the runner sits at the root of every hierarchy"
	make_bundle "$TR_TMP/b" cat /proc/self/cgroup
	in_ctr ns-nocgroup
	# the container is in the runner's cgroup or one below it: some path is not "/"
	assert_ne "$(printf '%s\n' "$output" | grep -cv ':/$' || true)" 0 \
		"without a cgroup namespace the paths below the host's root show: $output"
}

test_time_namespace_offsets() {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	make_bundle "$TR_TMP/b" cat /proc/uptime
	spec_set '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 1000000, "nanosecs": 0}}'
	_before=$(cut -d. -f1 /proc/uptime)
	in_ctr ns-time
	_after=$(cut -d. -f1 /proc/uptime)
	_in=${output%%.*}
	[ "$_in" -ge $((_before + 1000000)) ] && [ "$_in" -le $((_after + 1000000)) ] ||
		fail "uptime in the container $_in, host $_before..$_after: offset 1000000 not applied"
}

test_join_namespace_by_path() {
	require_cmd unshare nsenter
	unshare --net --uts sleep 60 &
	_pid=$!
	echo "$_pid" >"$TR_TMP/sleeper.pid"
	_i=0
	while [ "$(ns_of "$_pid" net)" = "$(ns_of self net)" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "unshare did not make its namespace"
		sleep 0.05
	done
	make_bundle "$TR_TMP/b" sh -c 'for n in net uts ipc; do readlink /proc/self/ns/$n; done'
	spec_set '.linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "mount"},
		{"type": "network", "path": $n}, {"type": "uts", "path": $u}]' \
		--arg n "/proc/$_pid/ns/net" --arg u "/proc/$_pid/ns/uts"
	in_ctr ns-join
	assert_eq "$(line 1)" "$(ns_of "$_pid" net)" "joined the network namespace"
	assert_eq "$(line 2)" "$(ns_of "$_pid" uts)" "joined the uts namespace"
	assert_ne "$(line 3)" "$(ns_of "$_pid" ipc)" "a new ipc namespace"
	assert_eq "$(nsenter -t "$_pid" -u hostname)" tinyrun "the spec's hostname was set in the joined uts namespace"
}

test_namespace_listed_twice_fails() {
	make_bundle "$TR_TMP/b" true
	spec_set '.linux.namespaces += [{"type": "network"}]'
	assert_fail tr create --bundle "$TR_BUNDLE" ns-twice
	assert_contains "$output" "linux.namespaces" "the error names linux.namespaces"
	assert_contains "$output" "network" "the error names the type"
	assert_fail tr state ns-twice
}

teardown() {
	if [ -f "$TR_TMP/sleeper.pid" ]; then
		kill "$(cat "$TR_TMP/sleeper.pid")" 2>/dev/null
		wait 2>/dev/null
	fi
	for _id in $(ls "$TR_ROOT" 2>/dev/null); do tr delete --force "$_id" >/dev/null 2>&1; done
	return 0
}
