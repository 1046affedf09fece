# t_pathres.sh: mount destinations are resolved inside the rootfs by the component walk too, the
# resolver boards with kernels older than 5.6 (no openat2) use. TINYRUN_PATHRES_WALK=1 makes
# tinyrun use the walk even where openat2 works; the container's init inherits it.

walk_run() {
	assert_ok env TINYRUN_PATHRES_WALK=1 "$TINYRUN" --root "$TR_ROOT" run --bundle "$TR_TMP/b" "$1" </dev/null
}

# absolute, relative and chained symlinks out of the rootfs all land inside it
test_walk_keeps_symlinked_destinations_inside() {
	mkdir "$TR_TMP/outside" "$TR_TMP/outside2"
	make_bundle "$TR_TMP/b" sh -c 'echo a >/abs/f && echo b >/rel/f && echo c >/chain/sub/f && cat /abs/f /rel/f /chain/sub/f'
	ln -s "/../../..$TR_TMP/outside" "$TR_TMP/b/rootfs/abs"
	ln -s "../../../../../../..$TR_TMP/outside2" "$TR_TMP/b/rootfs/rel"
	ln -s abs "$TR_TMP/b/rootfs/chain"
	spec_set '.root.readonly = false
		| .mounts += [{"destination": "/abs", "type": "tmpfs", "source": "tmpfs"},
			{"destination": "/rel", "type": "tmpfs", "source": "tmpfs"},
			{"destination": "/chain/sub", "type": "tmpfs", "source": "tmpfs"}]'
	walk_run tinyrun-walk
	assert_eq "$(printf '%s\n' "$output" | command tr '\n' ' ')" "a b c "
	assert_eq "$(ls -A "$TR_TMP/outside" "$TR_TMP/outside2" | command tr -d '\n:')" \
		"$TR_TMP/outside$TR_TMP/outside2" "the host's directories are untouched"
	[ -d "$TR_TMP/b/rootfs$TR_TMP/outside" ] || fail "the absolute target was not made inside the rootfs"
	[ -d "$TR_TMP/b/rootfs$TR_TMP/outside2" ] || fail "the relative target was not made inside the rootfs"
}

# a symlink loop is refused with ELOOP (musl: "Symbolic link loop") naming the mount; nothing is left
test_walk_refuses_symlink_loop() {
	make_bundle "$TR_TMP/b" true
	ln -s loop2 "$TR_TMP/b/rootfs/loop1"
	ln -s loop1 "$TR_TMP/b/rootfs/loop2"
	spec_set '.mounts += [{"destination": "/loop1/x", "type": "tmpfs", "source": "tmpfs"}]'
	assert_fail env TINYRUN_PATHRES_WALK=1 "$TINYRUN" --root "$TR_ROOT" run --bundle "$TR_TMP/b" tinyrun-loop </dev/null
	assert_contains "$output" "mounts[6] /loop1/x"
	assert_contains "$output" "Symbolic link loop"
	assert_eq "$(ls -A "$TR_ROOT")" ""
}
