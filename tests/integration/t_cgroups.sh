# t_cgroups.sh: linux.resources and linux.cgroupsPath on the host's layout (here hybrid: v1 controllers
# plus a cgroup2 mount): every value written and read back from the cgroup files, the limits enforced
# (OOM kill exits 137, pids refuses forks, a denied device cannot be opened, a CPU quota throttles),
# the attach paths (direct, stage 1, user namespace, cgroup namespace), the cgroupsPath rules, errors
# that name the field and leave nothing, and delete killing and removing everything.
# Pure cgroup v2 is tested in the VMs (tests/vm/tests/30-cgroups.sh).

# ---------------------------------------------------------------- helpers of this file

# cgt_v1 CONTROLLER: skip unless CONTROLLER is mounted as a v1 hierarchy.
cgt_v1() {
	[ -n "$(cg_mount "$1")" ] || skip "no cgroup v1 $1 hierarchy here"
}

# cgt_file CONTROLLER ABS FILE: the content of FILE of the cgroup ABS in CONTROLLER's hierarchy.
cgt_file() {
	cat "$(cg_mount "$1")$2/$3"
}

# cgt_bundle ARGS...: a bundle in $TR_TMP/b running ARGS, its cgroup $CGP (below the case's own).
cgt_bundle() {
	make_bundle "$TR_TMP/b" "$@"
	CGP=$(cg_abs_path ctr)
	spec_set '.linux.cgroupsPath = $p' --arg p "$CGP"
}

# cgt_resources JSON: set linux.resources.
cgt_resources() {
	spec_set '.linux.resources = $r' --argjson r "$1"
}

# cgt_gone ABS: no hierarchy has the cgroup ABS (nor its parent $TR_CGROUP_PARENT).
cgt_gone() {
	for _m in $(cg_hierarchies | cut -d' ' -f1); do
		assert_no_file "$_m$1"
		assert_no_file "${_m}${1%/*}"
	done
}

# cgt_disk: "MAJOR MINOR" of a real block device (not loop, ram or zram), or nothing.
cgt_disk() {
	for _b in /sys/block/*; do
		case "${_b##*/}" in loop* | ram* | zram* | dm-*) continue ;; esac
		[ -r "$_b/dev" ] && { command tr ':' ' ' <"$_b/dev"; return 0; }
	done
	return 0
}

# cgt_create ID: create from $TR_BUNDLE. Not through run/$(...): the container's init keeps the
# caller's stdout until it starts, so a command substitution would wait for it.
cgt_create() {
	tr create --bundle "$TR_BUNDLE" "$1" >"$TR_TMP/create.out" 2>&1 ||
		fail "create $1 failed: $(cat "$TR_TMP/create.out")"
}

cgt_init_pid() {
	tr state "$1" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'
}

teardown() {
	for _id in $("$TINYRUN" --root "$TR_ROOT" list -q 2>/dev/null); do
		"$TINYRUN" --root "$TR_ROOT" delete --force "$_id" >/dev/null 2>&1
	done
	return 0
}

# ---------------------------------------------------------------- values written

test_v1_every_resource_written_and_read_back() {
	cgt_v1 memory
	cgt_v1 cpu
	cgt_v1 pids
	cgt_bundle sleep 100
	_disk=$(cgt_disk)
	_blk='{}'
	if [ -n "$_disk" ] && [ -n "$(cg_mount blkio)" ]; then
		set -- $_disk
		_blk="{\"throttleReadBpsDevice\": [{\"major\": $1, \"minor\": $2, \"rate\": 1048576}],
		       \"throttleWriteBpsDevice\": [{\"major\": $1, \"minor\": $2, \"rate\": 2097152}],
		       \"throttleReadIOPSDevice\": [{\"major\": $1, \"minor\": $2, \"rate\": 100}],
		       \"throttleWriteIOPSDevice\": [{\"major\": $1, \"minor\": $2, \"rate\": 200}]}"
	fi
	cgt_resources "{
		\"memory\": { \"limit\": 33554432, \"reservation\": 16777216, \"swap\": 67108864,
			     \"swappiness\": 10, \"disableOOMKiller\": false },
		\"cpu\": { \"shares\": 512, \"quota\": 20000, \"period\": 50000, \"burst\": 1000,
			  \"realtimePeriod\": 500000, \"realtimeRuntime\": 0, \"cpus\": \"0\", \"mems\": \"0\",
			  \"idle\": 0 },
		\"pids\": { \"limit\": 42 },
		\"blockIO\": $_blk,
		\"devices\": [ { \"allow\": false, \"access\": \"rwm\" },
			       { \"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 200, \"access\": \"rw\" } ],
		\"unified\": { \"cgroup.max.depth\": \"7\" }
	}"
	cgt_create cgall
	assert_eq "$(cgt_file memory "$CGP" memory.limit_in_bytes)" 33554432
	assert_eq "$(cgt_file memory "$CGP" memory.soft_limit_in_bytes)" 16777216
	assert_eq "$(cgt_file memory "$CGP" memory.memsw.limit_in_bytes)" 67108864
	assert_eq "$(cgt_file memory "$CGP" memory.swappiness)" 10
	assert_eq "$(cgt_file cpu "$CGP" cpu.shares)" 512
	assert_eq "$(cgt_file cpu "$CGP" cpu.cfs_quota_us)" 20000
	assert_eq "$(cgt_file cpu "$CGP" cpu.cfs_period_us)" 50000
	assert_eq "$(cgt_file cpu "$CGP" cpu.cfs_burst_us)" 1000
	assert_eq "$(cgt_file cpu "$CGP" cpu.rt_period_us)" 500000
	assert_eq "$(cgt_file cpu "$CGP" cpu.idle)" 0
	assert_eq "$(cgt_file cpuset "$CGP" cpuset.cpus)" 0
	assert_eq "$(cgt_file cpuset "$CGP" cpuset.mems)" 0
	assert_eq "$(cgt_file pids "$CGP" pids.max)" 42
	if [ "$_blk" != '{}' ]; then
		assert_eq "$(cgt_file blkio "$CGP" blkio.throttle.read_bps_device)" "$1:$2 1048576"
		assert_eq "$(cgt_file blkio "$CGP" blkio.throttle.write_bps_device)" "$1:$2 2097152"
		assert_eq "$(cgt_file blkio "$CGP" blkio.throttle.read_iops_device)" "$1:$2 100"
		assert_eq "$(cgt_file blkio "$CGP" blkio.throttle.write_iops_device)" "$1:$2 200"
	fi
	_dl=$(cgt_file devices "$CGP" devices.list)
	assert_not_contains "$_dl" "a *:* rwm"
	assert_contains "$_dl" "c 1:3 rwm"	# the default devices stay usable
	assert_contains "$_dl" "c 136:* rwm"
	assert_contains "$_dl" "c 10:200 rw"
	assert_eq "$(cgt_file unified "$CGP" cgroup.max.depth)" 7
	# the init joined every hierarchy before it did anything else
	_pid=$(cgt_init_pid cgall)
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":memory:$CGP"
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":pids:$CGP"
	assert_contains "$(cat "/proc/$_pid/cgroup")" "0::$CGP"
	assert_contains "$(tr state cgall)" "\"status\": \"created\""
	assert_ok tr delete cgall
	cgt_gone "$CGP"
}

test_v1_blkio_weight_written_or_named() {
	cgt_v1 blkio
	cgt_bundle true
	cgt_resources '{ "blockIO": { "weight": 300 } }'
	if tr create --bundle "$TR_BUNDLE" cgw >"$TR_TMP/create.out" 2>&1; then status=0; else status=$?; fi
	output=$(cat "$TR_TMP/create.out")
	if [ "$status" -eq 0 ]; then
		_f=$(cg_mount blkio)$CGP
		if [ -e "$_f/blkio.weight" ]; then assert_eq "$(cat "$_f/blkio.weight")" 300
		else assert_contains "$(cat "$_f/blkio.bfq.weight")" 300; fi
		assert_ok tr delete cgw
	else
		# no CFQ or BFQ scheduler: the file does not exist
		assert_contains "$output" "linux.resources.blockIO.weight"
	fi
	cgt_gone "$CGP"
}

# ---------------------------------------------------------------- limits enforced

test_memory_hog_is_oom_killed_137() {
	cgt_v1 memory
	cgt_bundle sh -c 'a=$(head -c 64000000 /dev/zero | tr "\0" x); echo survived'
	cgt_resources '{ "memory": { "limit": 16777216, "swap": 16777216 } }'
	assert_exit 137 tr run --bundle "$TR_BUNDLE" cgoom
	assert_not_contains "$output" survived
	cgt_gone "$CGP"
}

test_pids_limit_refuses_forks() {
	cgt_v1 pids
	cgt_bundle sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait; echo done'
	cgt_resources '{ "pids": { "limit": 4 } }'
	run tr run --bundle "$TR_BUNDLE" cgpids
	assert_contains "$output" "can't fork"
	cgt_gone "$CGP"
}

test_denied_device_cannot_be_opened_null_still_works() {
	cgt_v1 devices
	cgt_bundle sh -c 'echo x >/dev/null && echo null-ok; head -c 1 /dev/mem >/dev/null && echo mem-opened; exit 0'
	spec_set '.linux.devices = [{ "path": "/dev/mem", "type": "c", "major": 1, "minor": 1 }]'
	cgt_resources '{ "devices": [ { "allow": false, "access": "rwm" },
				       { "allow": false, "type": "c", "major": 1, "minor": 1, "access": "rw" } ] }'
	assert_ok tr run --bundle "$TR_BUNDLE" cgdev
	assert_contains "$output" null-ok
	assert_not_contains "$output" mem-opened
	assert_contains "$output" "Operation not permitted"
	cgt_gone "$CGP"
}

test_cpu_quota_throttles_a_busy_loop() {
	cgt_v1 cpu
	cgt_bundle sh -c 'while :; do :; done'
	cgt_resources '{ "cpu": { "quota": 10000, "period": 100000 } }'
	cgt_create cgcpu
	assert_ok tr start cgcpu
	sleep 1.5
	_thr=$(sed -n 's/^nr_throttled //p' "$(cg_mount cpu)$CGP/cpu.stat")
	[ "${_thr:-0}" -gt 0 ] || fail "cpu.stat shows no throttling: $(cat "$(cg_mount cpu)$CGP/cpu.stat")"
	if [ -n "$(cg_mount cpuacct)" ]; then
		# about 10% of 1.5 s; well under half of it in any case
		_ns=$(cgt_file cpuacct "$CGP" cpuacct.usage)
		[ "$_ns" -lt 750000000 ] || fail "the loop got ${_ns} ns of CPU in 1.5 s under a 10% quota"
	fi
	assert_ok tr delete --force cgcpu
	cgt_gone "$CGP"
}

# ---------------------------------------------------------------- attach paths

test_init_in_its_cgroups_with_user_namespace() {
	cgt_v1 pids
	cgt_bundle sleep 100
	spec_set '.linux.namespaces += [{ "type": "user" }] |
		  .linux.uidMappings = [{ "containerID": 0, "hostID": 0, "size": 65536 }] |
		  .linux.gidMappings = [{ "containerID": 0, "hostID": 0, "size": 65536 }]'
	cgt_resources '{ "pids": { "limit": 20 } }'
	cgt_create cguser
	_pid=$(cgt_init_pid cguser)
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":pids:$CGP"
	assert_ok tr delete cguser
	cgt_gone "$CGP"
}

test_init_in_its_cgroups_through_stage1() {
	cgt_v1 pids
	[ -e /proc/self/ns/time ] || skip "no time namespaces"
	cgt_bundle sleep 100
	spec_set '.linux.namespaces += [{ "type": "time" }]'
	cgt_resources '{ "pids": { "limit": 20 } }'
	cgt_create cgstage1
	_pid=$(cgt_init_pid cgstage1)
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":pids:$CGP"
	assert_ok tr delete cgstage1
	cgt_gone "$CGP"
}

test_cgroup_namespace_is_rooted_at_the_container() {
	cgt_v1 pids
	cgt_bundle sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids/pids.max'
	spec_set '.linux.namespaces += [{ "type": "cgroup" }] |
		  .mounts += [{ "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
				"options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }]'
	cgt_resources '{ "pids": { "limit": 33 } }'
	assert_ok tr run --bundle "$TR_BUNDLE" cgns
	assert_contains "$output" ":pids:/"
	assert_not_contains "$output" "$CGP"
	assert_contains "$output" 33
	cgt_gone "$CGP"
}

# ---------------------------------------------------------------- cgroupsPath rules

test_relative_path_nests_below_own_cgroup_and_parents_go() {
	cgt_v1 memory
	make_bundle "$TR_TMP/b" sleep 100
	_rel=tinyrun-rel-$$/ctr
	spec_set '.linux.cgroupsPath = $p' --arg p "$_rel"
	cgt_create cgrel
	_pid=$(cgt_init_pid cgrel)
	_own=$(cg_own "$(cg_mount memory)")
	[ "$_own" = / ] && _own=
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":memory:$_own/$_rel"
	_own=$(cg_own "$(cg_mount pids)")
	[ "$_own" = / ] && _own=
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":pids:$_own/$_rel"
	assert_ok tr delete --force cgrel
	for _m in $(cg_hierarchies | cut -d' ' -f1); do
		_own=$(cg_own "$_m")
		[ "$_own" = / ] && _own=
		assert_no_file "$_m$_own/tinyrun-rel-$$"
	done
}

test_absent_path_is_the_id_below_own_cgroup() {
	cgt_v1 memory
	make_bundle "$TR_TMP/b" sleep 100
	_id=tinyrun-cgdef-$$
	cgt_create "$_id"
	_pid=$(cgt_init_pid "$_id")
	_own=$(cg_own "$(cg_mount memory)")
	[ "$_own" = / ] && _own=
	assert_contains "$(cat "/proc/$_pid/cgroup")" ":memory:$_own/$_id"
	assert_contains "$(tr state "$_id")" "\"status\": \"created\""
	assert_ok tr delete "$_id"
	assert_no_file "$(cg_mount memory)$_own/$_id"
}

test_dotdot_in_path_is_refused() {
	make_bundle "$TR_TMP/b" true
	spec_set '.linux.cgroupsPath = "a/../../b"'
	assert_fail tr create --bundle "$TR_BUNDLE" cgdots
	assert_contains "$output" "linux.cgroupsPath"
	assert_eq "$(tr list -q)" ""
}

# ---------------------------------------------------------------- errors name the field, leave nothing

cgt_refused() {
	_want=$1
	shift
	assert_fail tr create --bundle "$TR_BUNDLE" "$@"
	assert_contains "$output" "$_want"
	assert_eq "$(tr list -q)" "" "no state left"
	cgt_gone "$CGP"
}

test_unmounted_controller_fails_naming_the_field() {
	[ -z "$(cg_mount net_cls)" ] || skip "net_cls is mounted here"
	cgt_bundle true
	cgt_resources '{ "network": { "classID": 1048577 } }'
	cgt_refused linux.resources.network.classID cgnet
	cgt_resources '{ "network": { "priorities": [{ "name": "lo", "priority": 1 }] } }'
	cgt_refused linux.resources.network.priorities cgnet
}

test_hugetlb_not_enabled_fails_naming_the_field() {
	[ -z "$(cg_mount hugetlb)" ] || skip "hugetlb is a v1 hierarchy here"
	_v2=$(cg_mount v2)
	if [ -n "$_v2" ] && grep -qw hugetlb "$_v2$(cg_own "$_v2")/cgroup.subtree_control" 2>/dev/null; then
		skip "hugetlb is enabled on the cgroup2 mount here"
	fi
	cgt_bundle true
	cgt_resources '{ "hugepageLimits": [{ "pageSize": "2MB", "limit": 2097152 }] }'
	cgt_refused linux.resources.hugepageLimits cghuge
}

test_value_the_kernel_rejects_fails_naming_the_field() {
	cgt_v1 cpuset
	cgt_bundle true
	cgt_resources '{ "cpu": { "cpus": "1000" } }'
	cgt_refused linux.resources.cpu.cpus cgbadcpu
}

test_unified_file_missing_fails_naming_it() {
	[ -n "$(cg_mount v2)" ] || skip "no cgroup2 mount"
	cgt_v1 memory	# memory.high then does not exist on the cgroup2 side
	cgt_bundle true
	cgt_resources '{ "unified": { "memory.high": "1000000" } }'
	cgt_refused linux.resources.unified.memory.high cguni
}

test_v2_only_field_on_v1_memory_is_refused() {
	cgt_v1 memory
	cgt_bundle true
	cgt_resources '{ "memory": { "useHierarchy": false } }'
	# kernels since 5.x keep use_hierarchy at 1 and refuse 0
	if tr create --bundle "$TR_BUNDLE" cguh >"$TR_TMP/create.out" 2>&1; then status=0; else status=$?; fi
	output=$(cat "$TR_TMP/create.out")
	if [ "$status" -ne 0 ]; then
		assert_contains "$output" linux.resources.memory.useHierarchy
		assert_eq "$(tr list -q)" ""
	else
		assert_ok tr delete cguh
	fi
	cgt_gone "$CGP"
}

# ---------------------------------------------------------------- delete

test_delete_kills_every_process_and_removes_the_cgroups() {
	cgt_v1 freezer
	# no pid namespace: killing the init alone would leave its children running
	cgt_bundle sh -c 'sleep 300 & sleep 300 & exec sleep 300'
	spec_set '.linux.namespaces |= map(select(.type != "pid"))'
	cgt_resources '{ "pids": { "limit": 10 } }'
	cgt_create cgkill
	assert_ok tr start cgkill
	_procs=$(cg_mount pids)$CGP/cgroup.procs
	_n=0
	while [ "$(wc -l <"$_procs")" -lt 3 ]; do
		_n=$((_n + 1))
		[ $_n -lt 100 ] || fail "the container did not start its three processes: $(cat "$_procs")"
		sleep 0.05
	done
	_pids=$(cat "$_procs")
	assert_ok tr delete --force cgkill
	for _p in $_pids; do
		[ ! -d "/proc/$_p" ] || grep -q '^State:.*Z' "/proc/$_p/status" || fail "process $_p survived delete"
	done
	cgt_gone "$CGP"
}

test_stopped_container_delete_removes_cgroups() {
	cgt_v1 memory
	cgt_bundle true
	cgt_resources '{ "memory": { "limit": 67108864 } }'
	cgt_create cgstop
	assert_ok tr start cgstop
	_n=0
	until tr state cgstop | grep -q '"stopped"'; do
		_n=$((_n + 1))
		[ $_n -lt 100 ] || fail "never stopped"
		sleep 0.05
	done
	assert_file_exists "$(cg_mount memory)$CGP"
	assert_ok tr delete cgstop
	cgt_gone "$CGP"
}
