# tests/bench/report.awk: the tables of tests/bench/run.sh (POSIX awk; mawk, gawk and busybox awk).
#
# Input lines:  size RUNTIME BIN_BYTES TOTAL_BYTES NLIBS
#               PHASE RUNTIME ROUND WALL_US CPU_US USER_US SYS_US MAXRSS_KIB
# Every figure is a median over the rounds; a ratio A/B is the median over rounds of (A's value in
# the round / B's value in the same round), not the ratio of the medians.

function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n % 2) return a[(n + 1) / 2]
	return (a[n / 2] + a[n / 2 + 1]) / 2
}

# med(PHASE, RUNTIME, FIELD): median of one runtime's values
function med(ph, rt, f,    r, a, n) {
	n = 0
	for (r = 1; r <= rounds[ph]; r++) if ((ph, rt, r, f) in v) a[++n] = v[ph, rt, r, f]
	return n ? median(a, n) : -1
}

# ratio(PHASE, A, B, FIELD): median of the per-round ratios A/B
function ratio(ph, x, y, f,    r, a, n) {
	n = 0
	for (r = 1; r <= rounds[ph]; r++)
		if ((ph, x, r, f) in v && (ph, y, r, f) in v && v[ph, y, r, f] > 0)
			a[++n] = v[ph, x, r, f] / v[ph, y, r, f]
	return n ? median(a, n) : -1
}

function header(title, unit) {
	printf "\n== %s (%s)\n", title, unit
	printf "%-22s %9s %9s %9s   %12s %12s %9s\n", "", "tinyrun", "crun", "runc", "tinyrun/crun", "tinyrun/runc", "crun/runc"
}

# row(LABEL, PHASE, FIELD, SCALE): one line of a table; values divided by SCALE
function row(label, ph, f, scale, fmt) {
	fmt = scale == 1 ? "%-22s %9d %9d %9d   %12.2f %12.2f %9.2f\n" : "%-22s %9.2f %9.2f %9.2f   %12.2f %12.2f %9.2f\n"
	printf fmt, label, med(ph, "tinyrun", f) / scale, med(ph, "crun", f) / scale, med(ph, "runc", f) / scale,
		ratio(ph, "tinyrun", "crun", f), ratio(ph, "tinyrun", "runc", f), ratio(ph, "crun", "runc", f)
}

$1 == "size" { bin[$2] = $3; tot[$2] = $4; libs[$2] = $5; next }
NF == 8 {
	# fields: 4 wall, 5 cpu, 6 user, 7 sys, 8 maxrss
	v[$1, $2, $3, "wall"] = $4; v[$1, $2, $3, "cpu"] = $5
	v[$1, $2, $3, "user"] = $6; v[$1, $2, $3, "sys"] = $7; v[$1, $2, $3, "rss"] = $8
	if ($3 > rounds[$1]) rounds[$1] = $3
}

function floor(f, scale) {
	printf (scale == 1 ? "%-22s %9d" : "%-22s %9.2f") "   (busybox true alone, no runtime: the container's own share)\n", "  payload alone", med("payload", "busybox", f) / scale
}

END {
	printf "Medians of %d runs per runtime; ratio A/B = median over rounds of A/B measured in the same round.\n", runs
	header("run /bin/true: wall time", "ms")
	row("cold", "run-cold", "wall", 1000)
	row("back to back", "run-b2b", "wall", 1000)
	if ("run-cg-cold" in rounds) {
		row("cold, limits", "run-cg-cold", "wall", 1000)
		row("back to back, limits", "run-cg-b2b", "wall", 1000)
	}
	row("b2b, minimal payload", "run-min", "wall", 1000)
	floor("wall", 1000)

	header("run /bin/true: CPU time, user+sys of the runtime and all it reaped", "ms")
	row("cold", "run-cold", "cpu", 1000)
	row("back to back", "run-b2b", "cpu", 1000)
	if ("run-cg-cold" in rounds) {
		row("cold, limits", "run-cg-cold", "cpu", 1000)
		row("back to back, limits", "run-cg-b2b", "cpu", 1000)
	}
	row("b2b, minimal payload", "run-min", "cpu", 1000)
	floor("cpu", 1000)

	header("create + start + delete --force: wall time", "ms")
	row("cold", "cycle-cold", "wall", 1000)
	row("back to back", "cycle-b2b", "wall", 1000)

	header("create + start + delete --force: CPU time, user+sys", "ms")
	row("cold", "cycle-cold", "cpu", 1000)
	row("back to back", "cycle-b2b", "cpu", 1000)

	header("peak RSS: largest ru_maxrss of any process of the tree", "KiB")
	row("run, cold", "run-cold", "rss", 1)
	row("run, back to back", "run-b2b", "rss", 1)
	row("create+start+delete", "cycle-b2b", "rss", 1)
	row("run, minimal payload", "run-min", "rss", 1)
	floor("rss", 1)

	printf "\n== binary size (KiB; the peers also with the shared libraries ldd lists)\n"
	printf "%-22s %9s %9s %9s   %12s %12s %9s\n", "", "tinyrun", "crun", "runc", "tinyrun/crun", "tinyrun/runc", "crun/runc"
	printf "%-22s %9.0f %9.0f %9.0f   %12.3f %12.3f %9.3f\n", "binary", bin["tinyrun"] / 1024, bin["crun"] / 1024,
		bin["runc"] / 1024, bin["tinyrun"] / bin["crun"], bin["tinyrun"] / bin["runc"], bin["crun"] / bin["runc"]
	printf "%-22s %9.0f %9.0f %9.0f   %12.3f %12.3f %9.3f\n", "binary + libraries", tot["tinyrun"] / 1024,
		tot["crun"] / 1024, tot["runc"] / 1024, tot["tinyrun"] / tot["crun"], tot["tinyrun"] / tot["runc"],
		tot["crun"] / tot["runc"]
	printf "%-22s %9d %9d %9d\n", "shared libraries", libs["tinyrun"], libs["crun"], libs["runc"]

	printf "\n== summary: tinyrun/crun, tinyrun/runc (medians of per-pair ratios; below 1 = tinyrun smaller)\n"
	printf "  run wall     cold %.2f, %.2f   back to back %.2f, %.2f\n",
		ratio("run-cold", "tinyrun", "crun", "wall"), ratio("run-cold", "tinyrun", "runc", "wall"),
		ratio("run-b2b", "tinyrun", "crun", "wall"), ratio("run-b2b", "tinyrun", "runc", "wall")
	printf "  run CPU      cold %.2f, %.2f   back to back %.2f, %.2f\n",
		ratio("run-cold", "tinyrun", "crun", "cpu"), ratio("run-cold", "tinyrun", "runc", "cpu"),
		ratio("run-b2b", "tinyrun", "crun", "cpu"), ratio("run-b2b", "tinyrun", "runc", "cpu")
	if ("run-cg-cold" in rounds) {
		printf "  limits wall  cold %.2f, %.2f   back to back %.2f, %.2f\n",
			ratio("run-cg-cold", "tinyrun", "crun", "wall"), ratio("run-cg-cold", "tinyrun", "runc", "wall"),
			ratio("run-cg-b2b", "tinyrun", "crun", "wall"), ratio("run-cg-b2b", "tinyrun", "runc", "wall")
		printf "  limits CPU   cold %.2f, %.2f   back to back %.2f, %.2f\n",
			ratio("run-cg-cold", "tinyrun", "crun", "cpu"), ratio("run-cg-cold", "tinyrun", "runc", "cpu"),
			ratio("run-cg-b2b", "tinyrun", "crun", "cpu"), ratio("run-cg-b2b", "tinyrun", "runc", "cpu")
	}
	printf "  cycle wall   cold %.2f, %.2f   back to back %.2f, %.2f\n",
		ratio("cycle-cold", "tinyrun", "crun", "wall"), ratio("cycle-cold", "tinyrun", "runc", "wall"),
		ratio("cycle-b2b", "tinyrun", "crun", "wall"), ratio("cycle-b2b", "tinyrun", "runc", "wall")
	printf "  peak RSS (minimal payload) %.2f, %.2f    binary %.3f, %.3f    binary+libs %.3f, %.3f\n",
		ratio("run-min", "tinyrun", "crun", "rss"), ratio("run-min", "tinyrun", "runc", "rss"),
		bin["tinyrun"] / bin["crun"], bin["tinyrun"] / bin["runc"], tot["tinyrun"] / tot["crun"], tot["tinyrun"] / tot["runc"]
	printf "  note: the default bundle has no linux.resources and no cgroupsPath: each runtime makes the\n"
	printf "  cgroups it makes by default (see the cgroup check above). \"limits\": linux.resources memory\n"
	printf "  limit 64 MiB and pids limit 64, cgroupsPath \"/<id>\" below the benchmark's own cgroups.\n"
}
