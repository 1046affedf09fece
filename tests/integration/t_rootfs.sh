# t_rootfs.sh: the container's file system: default mounts, spec mounts, devices, masked and read-only
# paths, root.readonly, propagation, --no-pivot. Checked from inside the container.

# in_ctr ID [ARGS...]: run the bundle $TR_BUNDLE in the foreground (ARGS are extra `run` options);
# the case fails unless it exits 0. Sets $output.
in_ctr() {
	_id=$1
	shift
	assert_ok tr run "$@" --bundle "$TR_BUNDLE" "$_id" </dev/null
}

# mnt_line TEXT MOUNTPOINT: "OPTIONS FSTYPE SUPEROPTIONS" of the last mount on MOUNTPOINT in TEXT
# (a copy of /proc/self/mountinfo).
mnt_line() {
	printf '%s\n' "$1" | awk -v m="$2" '
		$5 == m { for (i = 7; $i != "-"; i++) ; l = $6 " " $(i + 1) " " $(i + 3) }
		END { print l }'
}

# assert_mnt TEXT MOUNTPOINT FSTYPE OPTION...: MOUNTPOINT is mounted with FSTYPE and every OPTION
# (among the per-mount and the super-block options).
assert_mnt() {
	_l=$(mnt_line "$1" "$2")
	[ -n "$_l" ] || fail "$2 is not a mount point" "mountinfo: $1"
	set -- "$_l" "$2" "$3" "${4:-}" "${5:-}" "${6:-}" "${7:-}"
	[ "$(echo "$1" | cut -d' ' -f2)" = "$3" ] || fail "$2: expected file system $3" "mount: $1"
	_opts=",$(echo "$1" | cut -d' ' -f1),$(echo "$1" | cut -d' ' -f3),"
	for _o in "$4" "$5" "$6" "$7"; do
		[ -z "$_o" ] && continue
		case "$_opts" in *",$_o,"*) ;; *) fail "$2: option $_o missing" "mount: $1" ;; esac
	done
}

test_default_mounts() {
	make_bundle "$TR_TMP/b" cat /proc/self/mountinfo
	in_ctr rfs-defaults
	assert_mnt "$output" / ext4 ro
	assert_mnt "$output" /proc proc rw
	assert_mnt "$output" /dev tmpfs nosuid mode=755
	assert_mnt "$output" /dev/pts devpts nosuid noexec gid=5 mode=620 ptmxmode=666
	assert_mnt "$output" /dev/shm tmpfs nosuid noexec nodev
	assert_mnt "$output" /dev/mqueue mqueue nosuid noexec nodev
	assert_mnt "$output" /sys sysfs ro nosuid noexec nodev
}

test_bind_mount_readonly() {
	mkdir "$TR_TMP/host"
	echo from-host >"$TR_TMP/host/file"
	make_bundle "$TR_TMP/b" sh -c 'cat /mnt/data/file; if touch /mnt/data/new 2>/dev/null; then echo WROTE; fi
		grep " /mnt/data " /proc/self/mountinfo'
	spec_set '.mounts += [{"destination": "/mnt/data", "type": "bind", "source": $s,
		"options": ["rbind", "ro"]}]' --arg s "$TR_TMP/host"
	in_ctr rfs-bind
	assert_eq "$(printf '%s\n' "$output" | sed -n 1p)" from-host "the host file is visible"
	assert_not_contains "$output" WROTE "writing into a ro bind mount must fail"
	assert_mnt "$output" /mnt/data ext4 ro
	assert_no_file "$TR_TMP/host/new"
}

test_bind_mount_rw_writes_to_host() {
	mkdir "$TR_TMP/host"
	make_bundle "$TR_TMP/b" sh -c 'echo from-ctr >/mnt/data/new'
	spec_set '.mounts += [{"destination": "/mnt/data", "type": "bind", "source": $s,
		"options": ["rbind"]}]' --arg s "$TR_TMP/host"
	in_ctr rfs-bind-rw
	assert_eq "$(cat "$TR_TMP/host/new")" from-ctr
}

test_tmpfs_with_options() {
	make_bundle "$TR_TMP/b" sh -c 'stat -c %a /scratch; cat /proc/self/mountinfo'
	spec_set '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
		"options": ["nodev", "size=1m", "mode=700"]}]'
	in_ctr rfs-tmpfs
	assert_eq "$(printf '%s\n' "$output" | sed -n 1p)" 700 "mode of the tmpfs root"
	assert_mnt "$output" /scratch tmpfs nodev size=1024k mode=700
}

# A mount destination that is a symlink pointing out of the rootfs is resolved inside the rootfs.
test_mount_on_symlink_stays_in_rootfs() {
	mkdir "$TR_TMP/outside"
	make_bundle "$TR_TMP/b" sh -c 'echo in-ctr >/evil/f && cat /evil/f; cat /proc/self/mountinfo'
	ln -s "/../../..$TR_TMP/outside" "$TR_TMP/b/rootfs/evil"
	spec_set '.root.readonly = false
		| .mounts += [{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}]'
	in_ctr rfs-symlink
	assert_eq "$(printf '%s\n' "$output" | sed -n 1p)" in-ctr
	# the tmpfs is on the symlink's target taken inside the rootfs
	assert_mnt "$output" "$TR_TMP/outside" tmpfs
	assert_eq "$(ls -A "$TR_TMP/outside")" "" "the host's directory is untouched"
	[ -d "$TR_TMP/b/rootfs$TR_TMP/outside" ] || fail "the target was not made inside the rootfs"
	[ -L "$TR_TMP/b/rootfs/evil" ] || fail "the symlink was replaced"
}

test_mount_on_symlink_bind_lands_in_rootfs() {
	mkdir "$TR_TMP/outside" "$TR_TMP/src"
	make_bundle "$TR_TMP/b" sh -c 'echo in-ctr >/evil/f'
	ln -s "/../../..$TR_TMP/outside" "$TR_TMP/b/rootfs/evil"
	spec_set '.root.readonly = false
		| .mounts += [{"destination": "/evil", "type": "bind", "source": $s, "options": ["rbind"]}]' \
		--arg s "$TR_TMP/src"
	in_ctr rfs-symlink-bind
	assert_eq "$(cat "$TR_TMP/src/f")" in-ctr "the container wrote through the bind mount"
	assert_eq "$(ls -A "$TR_TMP/outside")" "" "the host's directory is untouched"
}

test_default_devices() {
	make_bundle "$TR_TMP/b" sh -c 'for d in null zero full random urandom tty; do
		stat -c "%n %F %t:%T %a" /dev/$d; done'
	in_ctr rfs-devs
	assert_eq "$output" "/dev/null character special file 1:3 666
/dev/zero character special file 1:5 666
/dev/full character special file 1:7 666
/dev/random character special file 1:8 666
/dev/urandom character special file 1:9 666
/dev/tty character special file 5:0 666"
}

test_linux_devices() {
	make_bundle "$TR_TMP/b" sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/mydev'
	spec_set '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 3,
		"fileMode": 416, "uid": 1000, "gid": 5}]'
	in_ctr rfs-linuxdev
	assert_eq "$output" "character special file 1:3 640 1000:5"
}

test_dev_symlinks() {
	make_bundle "$TR_TMP/b" sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done
		ls /dev/fd/ >/dev/null && echo fd-ok'
	in_ctr rfs-devlinks
	assert_eq "$output" "fd /proc/self/fd
stdin /proc/self/fd/0
stdout /proc/self/fd/1
stderr /proc/self/fd/2
ptmx pts/ptmx
fd-ok"
}

test_masked_paths() {
	make_bundle "$TR_TMP/b" sh -c 'echo "file:$(cat /etc/secret)"; echo "dir:$(ls -A /etc/secrets)"
		if touch /etc/secrets/x 2>/dev/null; then echo WROTE; fi'
	echo password >"$TR_TMP/b/rootfs/etc/secret"
	mkdir "$TR_TMP/b/rootfs/etc/secrets"
	echo key >"$TR_TMP/b/rootfs/etc/secrets/key"
	spec_set '.root.readonly = false | .linux.maskedPaths += ["/etc/secret", "/etc/secrets", "/no/such/path"]'
	in_ctr rfs-masked
	assert_eq "$output" "file:
dir:"
	assert_eq "$(cat "$TR_TMP/b/rootfs/etc/secret")" password "the masked file itself is untouched"
}

test_readonly_paths() {
	make_bundle "$TR_TMP/b" sh -c 'touch /var/x 2>/dev/null && echo WROTE-VAR
		touch /home/x && echo wrote-home
		cat /proc/self/mountinfo'
	spec_set '.root.readonly = false | .linux.readonlyPaths += ["/var"]'
	in_ctr rfs-ropaths
	assert_eq "$(printf '%s\n' "$output" | sed -n 1p)" "wrote-home" "/var is read-only, /home is writable"
	assert_mnt "$output" /var ext4 ro
	assert_mnt "$output" /proc/sys proc ro
	assert_no_file "$TR_TMP/b/rootfs/var/x"
	rm "$TR_TMP/b/rootfs/home/x"
}

test_root_readonly() {
	make_bundle "$TR_TMP/b" sh -c 'touch /x 2>/dev/null && echo WROTE-ROOT; touch /tmp/y && echo wrote-tmp; true'
	spec_set '.root.readonly = true | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
	in_ctr rfs-ro
	assert_eq "$output" wrote-tmp "/ is read-only, the /tmp tmpfs is writable"
	assert_no_file "$TR_TMP/b/rootfs/x"
	spec_set '.root.readonly = false | .process.args = ["sh", "-c", "touch /x && echo wrote-root"]'
	in_ctr rfs-rw
	assert_eq "$output" wrote-root
	assert_file_exists "$TR_TMP/b/rootfs/x"
}

test_rootfs_propagation() {
	make_bundle "$TR_TMP/b" cat /proc/self/mountinfo
	spec_set '.linux.rootfsPropagation = "shared"'
	in_ctr rfs-shared
	_root=$(printf '%s\n' "$output" | awk '$5 == "/"' | tail -n 1)
	assert_match "$_root" ' shared:[0-9]+ ' "rootfsPropagation shared: / is a shared mount"
	spec_set '.linux.rootfsPropagation = "private"'
	in_ctr rfs-private
	_root=$(printf '%s\n' "$output" | awk '$5 == "/"' | tail -n 1)
	assert_not_contains "$_root" shared: "rootfsPropagation private: / is not shared"
	assert_not_contains "$_root" master: "rootfsPropagation private: / is not a slave"
}

test_no_pivot() {
	make_bundle "$TR_TMP/b" sh -c 'cat /marker; cat /proc/self/mountinfo'
	echo in-rootfs >"$TR_TMP/b/rootfs/marker"
	in_ctr rfs-nopivot --no-pivot
	assert_eq "$(printf '%s\n' "$output" | sed -n 1p)" in-rootfs "/ is the rootfs"
	assert_mnt "$output" /proc proc
	# none of the host's other mounts (cgroups, /run, ...) is visible
	_n=$(printf '%s\n' "$output" | sed 1d | awk '$5 !~ "^/(proc|dev|sys)(/|$)" && $5 != "/"' | wc -l)
	assert_eq "$_n" 0 "mounts outside /, /proc, /dev, /sys: $output"
}

test_mounts_not_in_host() {
	mkdir "$TR_TMP/host"
	make_bundle "$TR_TMP/b" sleep 60
	spec_set '.mounts += [{"destination": "/mnt/data", "type": "bind", "source": $s,
		"options": ["rbind", "ro"]}]' --arg s "$TR_TMP/host"
	tr create --bundle "$TR_BUNDLE" rfs-hostview </dev/null >/dev/null 2>&1 || fail "create failed"
	_pid=$(tr state rfs-hostview | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	[ -n "$_pid" ] || fail "no pid in the state"
	_ctr=$(cat "/proc/$_pid/mountinfo")
	_host=$(cat /proc/self/mountinfo)
	tr delete --force rfs-hostview
	assert_contains "$_ctr" " /mnt/data " "the container has its mount"
	assert_not_contains "$_host" "$TR_TMP" "the host sees no mount of the container"
	assert_not_contains "$_host" " /mnt/data " "the host sees no mount of the container"
}

teardown() {
	for _id in $(ls "$TR_ROOT" 2>/dev/null); do tr delete --force "$_id" >/dev/null 2>&1; done
	return 0
}
