# t_process.sh: the process a container runs gets what config.json asks for (checked from inside).

# in_ctr ID: run the bundle $TR_BUNDLE in the foreground; the case fails unless it exits 0.
# Sets $output (stdout+stderr of the container).
in_ctr() {
	assert_ok tr run --bundle "$TR_BUNDLE" "$1" </dev/null
}

# cap_hex NAME...: the capability set of NAMEs as /proc/PID/status prints it (16 hex digits).
cap_hex() {
	_m=0
	for _n in "$@"; do _m=$((_m | (1 << $(cap_number "$_n")))); done
	printf '%016x\n' "$_m"
}

# status_field TEXT FIELD: the value of "FIELD:" in TEXT (a copy of /proc/self/status).
status_field() {
	printf '%s\n' "$1" | sed -n "s/^$2:[[:space:]]*//p"
}

test_hostname_and_domainname() {
	make_bundle "$TR_TMP/b" sh -c 'hostname; cat /proc/sys/kernel/domainname'
	spec_set '.hostname = "box-one" | .domainname = "tr.example"'
	in_ctr proc-uts
	assert_eq "$output" "box-one
tr.example"
	assert_ne "$(hostname)" box-one "the host's hostname is untouched"
}

test_user_uid_gid_additional_gids() {
	make_bundle "$TR_TMP/b" sh -c 'id -u; id -g; grep "^Groups:" /proc/self/status'
	spec_set '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 65534]}'
	in_ctr proc-user
	assert_eq "$(printf '%s\n' "$output" | sed -n 1,2p)" "1000
1000" "uid and gid"
	_groups=$(printf '%s\n' "$output" | sed -n 's/^Groups:[[:space:]]*//p' | xargs)
	assert_eq "$_groups" "5 65534" "supplementary groups are exactly additionalGids"
}

test_user_root_has_no_supplementary_groups() {
	make_bundle "$TR_TMP/b" grep "^Groups:" /proc/self/status
	in_ctr proc-groups
	assert_eq "$(printf '%s\n' "$output" | sed 's/^Groups:[[:space:]]*//' | xargs)" "" \
		"no supplementary groups inherited from the runtime"
}

test_umask_default_and_set() {
	make_bundle "$TR_TMP/b" sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	spec_set '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
	umask 0077
	in_ctr proc-umask1
	assert_eq "$output" "0022
644" "default umask (not the runtime's own 0077)"
	umask 0022
	spec_set '.process.user.umask = 63'
	in_ctr proc-umask2
	assert_eq "$output" "0077
600" "process.user.umask 0077"
}

test_rlimits_lowered() {
	make_bundle "$TR_TMP/b" cat /proc/self/limits
	spec_set '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 4096, "hard": 8192}]'
	in_ctr proc-rlimits
	assert_match "$output" '^Max open files +100 +200 +files' "RLIMIT_NOFILE"
	assert_match "$output" '^Max core file size +4096 +8192 +bytes' "RLIMIT_CORE"
}

test_rlimit_above_hard_limit_fails() {
	_bit=$(cap_number CAP_SYS_RESOURCE)
	_bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	if [ $(((0x$_bnd >> _bit) & 1)) -eq 1 ]; then
		skip "CAP_SYS_RESOURCE is in the bounding set: raising a hard limit would succeed"
	fi
	_hard=$(awk '/^Max msgqueue size/ { print $5 }' /proc/self/limits)
	case "$_hard" in '' | *[!0-9]*) skip "RLIMIT_MSGQUEUE hard limit is '$_hard'" ;; esac
	make_bundle "$TR_TMP/b" true
	spec_set '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100},
		{"type": "RLIMIT_MSGQUEUE", "soft": 1024, "hard": $h}]' --argjson h "$((_hard + 1))"
	assert_fail tr create --bundle "$TR_BUNDLE" proc-rlimit-high
	assert_contains "$output" "process.rlimits[1]" "the error names the rlimit"
	assert_contains "$output" "Operation not permitted" "the error gives the errno text"
	assert_fail tr state proc-rlimit-high
}

test_capabilities_exact_sets() {
	make_bundle "$TR_TMP/b" grep ^Cap /proc/self/status
	# uid 0 with noNewPrivileges: exec keeps the permitted set (no gain from the bounding set) and
	# makes it effective, so an effective set smaller than the permitted one is not visible here
	spec_set '.process.noNewPrivileges = true | .process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_CHROOT"],
		"permitted": ["CAP_CHOWN", "CAP_NET_RAW"],
		"effective": ["CAP_CHOWN", "CAP_NET_RAW"]}'
	in_ctr proc-caps
	assert_eq "$(status_field "$output" CapBnd)" "$(cap_hex CAP_CHOWN CAP_KILL CAP_NET_RAW CAP_SYS_CHROOT)" CapBnd
	assert_eq "$(status_field "$output" CapPrm)" "$(cap_hex CAP_CHOWN CAP_NET_RAW)" CapPrm
	assert_eq "$(status_field "$output" CapEff)" "$(cap_hex CAP_CHOWN CAP_NET_RAW)" CapEff
	assert_eq "$(status_field "$output" CapInh)" 0000000000000000 "CapInh when none listed"
	assert_eq "$(status_field "$output" CapAmb)" 0000000000000000 "CapAmb when none listed"
}

test_capabilities_ambient_non_root() {
	make_bundle "$TR_TMP/b" sh -c 'id -u; grep ^Cap /proc/self/status'
	spec_set '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
			"permitted": ["CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_NET_BIND_SERVICE"]}'
	in_ctr proc-ambient
	_nbs=$(cap_hex CAP_NET_BIND_SERVICE)
	assert_eq "$(printf '%s\n' "$output" | sed -n 1p)" 1000 "runs as uid 1000"
	assert_eq "$(status_field "$output" CapAmb)" "$_nbs" "CapAmb"
	# through exec of a non-root process only the ambient set survives
	assert_eq "$(status_field "$output" CapPrm)" "$_nbs" CapPrm
	assert_eq "$(status_field "$output" CapEff)" "$_nbs" CapEff
	assert_eq "$(status_field "$output" CapInh)" "$_nbs" CapInh
	assert_eq "$(status_field "$output" CapBnd)" "$(cap_hex CAP_NET_BIND_SERVICE CAP_KILL)" CapBnd
}

test_no_new_privileges() {
	make_bundle "$TR_TMP/b" grep ^NoNewPrivs /proc/self/status
	spec_set '.process.noNewPrivileges = true'
	in_ctr proc-nnp1
	assert_match "$output" '^NoNewPrivs:[[:space:]]+1$' "noNewPrivileges true"
	spec_set '.process.noNewPrivileges = false'
	in_ctr proc-nnp2
	assert_match "$output" '^NoNewPrivs:[[:space:]]+0$' "noNewPrivileges false"
}

test_oom_score_adj() {
	make_bundle "$TR_TMP/b" cat /proc/self/oom_score_adj
	spec_set '.process.oomScoreAdj = 123'
	in_ctr proc-oom
	assert_eq "$output" 123
}

test_sysctl_namespaced() {
	_host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	_host_shm=$(cat /proc/sys/kernel/shmmax)
	_want_fwd=$((1 - _host_fwd))
	make_bundle "$TR_TMP/b" sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward'
	spec_set '.linux.sysctl = {"kernel.shmmax": "123456789", "net.ipv4.ip_forward": $f}' \
		--arg f "$_want_fwd"
	in_ctr proc-sysctl
	assert_eq "$output" "123456789
$_want_fwd"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$_host_fwd" "host's ip_forward untouched"
	assert_eq "$(cat /proc/sys/kernel/shmmax)" "$_host_shm" "host's shmmax untouched"
}

test_sysctl_not_namespaced_refused() {
	_host=$(cat /proc/sys/vm/swappiness)
	make_bundle "$TR_TMP/b" true
	spec_set '.linux.sysctl = {"vm.swappiness": $v}' --arg v "$(((_host + 7) % 100))"
	assert_fail tr run --bundle "$TR_BUNDLE" proc-sysctl-bad </dev/null
	assert_contains "$output" "linux.sysctl" "the error names linux.sysctl"
	assert_contains "$output" "vm.swappiness" "the error names the key"
	assert_eq "$(cat /proc/sys/vm/swappiness)" "$_host" "host's swappiness untouched"
}

test_cwd() {
	make_bundle "$TR_TMP/b" pwd
	spec_set '.process.cwd = "/home/test"'
	in_ctr proc-cwd
	assert_eq "$output" /home/test
}

test_cwd_missing_fails() {
	make_bundle "$TR_TMP/b" pwd
	spec_set '.process.cwd = "/no/such/dir"'
	assert_fail tr run --bundle "$TR_BUNDLE" proc-cwd-bad </dev/null
	assert_contains "$output" "process.cwd" "the error names process.cwd"
	assert_fail tr state proc-cwd-bad
}

test_env_exact() {
	make_bundle "$TR_TMP/b" env
	spec_set '.process.env = ["PATH=/bin:/sbin", "ONE=1", "SPACED=a b  c", "EMPTY=", $c]' \
		--arg c "TR_CASE_ID=$TR_CASE_ID"
	export FROM_RUNTIME=must-not-leak
	in_ctr proc-env
	assert_eq "$(printf '%s\n' "$output" | sort)" "$(printf '%s\n' "EMPTY=" "ONE=1" "PATH=/bin:/sbin" \
		"SPACED=a b  c" "TR_CASE_ID=$TR_CASE_ID" | sort)" "the environment is exactly process.env"
}

test_args0_looked_up_in_process_path() {
	make_bundle "$TR_TMP/b" tr-hello-xyz one two
	mkdir -p "$TR_TMP/b/rootfs/opt/tr"
	printf '#!/bin/sh\necho "hello $*"\n' >"$TR_TMP/b/rootfs/opt/tr/tr-hello-xyz"
	chmod 755 "$TR_TMP/b/rootfs/opt/tr/tr-hello-xyz"
	spec_set '.process.env = ["PATH=/nowhere:/opt/tr:/bin", $c]' --arg c "TR_CASE_ID=$TR_CASE_ID"
	in_ctr proc-path
	assert_eq "$output" "hello one two"
	# not found when process.env's PATH lacks the directory, whatever the runtime's PATH
	spec_set '.process.env = ["PATH=/bin", $c]' --arg c "TR_CASE_ID=$TR_CASE_ID"
	assert_fail tr run --bundle "$TR_BUNDLE" proc-path2 </dev/null
	assert_contains "$output" "process.args[0]"
}

test_missing_executable_fails() {
	make_bundle "$TR_TMP/b" /bin/no-such-program-xyz
	if tr create --bundle "$TR_BUNDLE" proc-noexec >"$TR_TMP/create.out" 2>&1; then
		assert_fail tr start proc-noexec
		tr delete --force proc-noexec
	else
		output=$(cat "$TR_TMP/create.out")
	fi
	assert_contains "$output" "process.args[0]" "the error names process.args[0]"
	assert_contains "$output" "no-such-program-xyz" "the error names the program"
	assert_fail tr state proc-noexec
}

teardown() {
	for _id in $(ls "$TR_ROOT" 2>/dev/null); do tr delete --force "$_id" >/dev/null 2>&1; done
	return 0
}
