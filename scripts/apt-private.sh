# shellcheck shell=sh
# scripts/apt-private.sh - a private apt configuration for fetching Debian
# packages (binary debs of any of amd64/arm64/armhf, and source packages)
# without touching the system's apt sources or dpkg architectures.
#
# Usage (from sh or bash, with `set -eu` or not):
#     . scripts/apt-private.sh          # sets up build/apt/, exports APT_CONFIG
#     apt_private_update                # apt-get update, at most once a day
#     apt_private_download PKG[:ARCH]... DESTDIR
#     apt_private_source PKG... DESTDIR # source packages, download only
#
# Everything lives under <top>/build/apt/ (configuration, lists, apt's cache)
# and <top>/build/cache/debs/ (downloaded .debs) and <top>/build/src/
# (downloaded source packages, see deps.sh).  <top> is the repository top,
# found from this file's location.  Override with TINYRUN_TOP=/path.
#
# Environment:
#     TINYRUN_TOP          repository top (default: found automatically)
#     TINYRUN_APT_SUITE    Debian codename (default: bookworm)
#     TINYRUN_APT_MIRROR   Debian mirror URI (default: from the system's sources)
#     TINYRUN_APT_SECURITY Debian security mirror URI (default: likewise)
#     TINYRUN_APT_MAXAGE   minutes before the lists are refreshed (default: 1440)

apt_private_die() {
	echo "apt-private: error: $*" >&2
	return 1
}

# --- find the repository top -------------------------------------------------
apt_private_find_top() {
	if [ -n "${TINYRUN_TOP:-}" ]; then
		(cd "$TINYRUN_TOP" && pwd -P)
		return
	fi
	# bash gives the sourced file's own path; other shells do not.
	# shellcheck disable=SC3028,SC3054
	_ap_self=${BASH_SOURCE:-}
	if [ -n "$_ap_self" ] && [ -f "$_ap_self" ]; then
		(cd "$(dirname "$_ap_self")/.." && pwd -P)
		return
	fi
	# POSIX sh: the sourcing script's own location, then the working directory.
	for _ap_d in "$(dirname "$0")" "$(dirname "$0")/.." "$(dirname "$0")/../.." "$PWD"; do
		_ap_d=$(cd "$_ap_d" 2>/dev/null && pwd -P) || continue
		while :; do
			if [ -f "$_ap_d/scripts/apt-private.sh" ]; then
				echo "$_ap_d"
				return
			fi
			[ "$_ap_d" = / ] && break
			_ap_d=$(dirname "$_ap_d")
		done
	done
	apt_private_die "cannot find the tinyrun source tree; set TINYRUN_TOP=/path/to/tinyrun"
}

# --- mirrors used by the system's own sources ---------------------------------
# Prints "URI SUITE" pairs for every enabled binary/source entry of the
# system's apt sources (one-line .list format and deb822 .sources format).
apt_private_system_entries() {
	for _ap_f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$_ap_f" ] || continue
		awk '
			/^[ \t]*#/ { next }
			$1 == "deb" || $1 == "deb-src" {
				i = 2
				if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if (i + 1 <= NF) print $i, $(i + 1)
			}' "$_ap_f"
	done
	for _ap_f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$_ap_f" ] || continue
		awk '
			function flush(   n, m, i, j, u, s) {
				if (types ~ /deb/ && enabled !~ /^[Nn]o/) {
					n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
					for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
						if (u[i] != "" && s[j] != "") print u[i], s[j]
				}
				types = uris = suites = enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				key = tolower($1); sub(/:$/, "", key)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "enabled") enabled = val
			}
			END { flush() }' "$_ap_f"
	done
}

# apt_private_mirror SUITE FALLBACK: the system's URI for SUITE, else FALLBACK.
apt_private_mirror() {
	_ap_m=$(apt_private_system_entries | awk -v s="$1" '$2 == s { print $1; exit }')
	echo "${_ap_m:-$2}" | sed 's,/*$,,'
}

# --- write the configuration --------------------------------------------------
apt_private_setup() {
	APT_PRIVATE_TOP=$(apt_private_find_top) || return 1
	APT_PRIVATE_DIR=$APT_PRIVATE_TOP/build/apt
	APT_PRIVATE_DEBS=$APT_PRIVATE_TOP/build/cache/debs
	_ap_suite=${TINYRUN_APT_SUITE:-bookworm}

	command -v apt-get >/dev/null 2>&1 ||
		apt_private_die "apt-get not found: this helper needs a Debian-based host" || return 1

	_ap_main=${TINYRUN_APT_MIRROR:-$(apt_private_mirror "$_ap_suite" http://deb.debian.org/debian)}
	_ap_sec=${TINYRUN_APT_SECURITY:-$(apt_private_mirror "$_ap_suite-security" http://deb.debian.org/debian-security)}

	# Trusted keys: the Debian archive keyring when installed, otherwise
	# whatever is in the system's trusted.gpg.d.
	_ap_opts=
	if [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
		_ap_opts=" signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
	elif ! ls /etc/apt/trusted.gpg.d/*.gpg /etc/apt/trusted.gpg.d/*.asc >/dev/null 2>&1; then
		apt_private_die "no Debian archive keys found; install them with: apt-get install debian-archive-keyring" || return 1
	fi

	mkdir -p "$APT_PRIVATE_DIR/sources.list.d" "$APT_PRIVATE_DIR/preferences.d" \
		"$APT_PRIVATE_DIR/apt.conf.d" "$APT_PRIVATE_DIR/state/lists/partial" \
		"$APT_PRIVATE_DIR/cache/archives/partial" "$APT_PRIVATE_DEBS" || return 1
	[ -f "$APT_PRIVATE_DIR/status" ] || : >"$APT_PRIVATE_DIR/status"

	APT_PRIVATE_MAIN=$_ap_main
	APT_PRIVATE_SEC=$_ap_sec
	APT_PRIVATE_SUITE=$_ap_suite
	APT_PRIVATE_KEYOPT=$_ap_opts
	apt_private_write_sources || return 1

	_ap_tmp=$APT_PRIVATE_DIR/apt.conf.new.$$
	cat >"$_ap_tmp" <<EOF
// generated by scripts/apt-private.sh; edits are overwritten
Dir::Etc::SourceList "$APT_PRIVATE_DIR/sources.list";
Dir::Etc::SourceParts "$APT_PRIVATE_DIR/sources.list.d";
Dir::Etc::Preferences "$APT_PRIVATE_DIR/preferences";
Dir::Etc::PreferencesParts "$APT_PRIVATE_DIR/preferences.d";
Dir::Etc::TrustedParts "/etc/apt/trusted.gpg.d";
Dir::State "$APT_PRIVATE_DIR/state";
Dir::State::Lists "$APT_PRIVATE_DIR/state/lists";
Dir::State::status "$APT_PRIVATE_DIR/status";
Dir::State::extended_states "$APT_PRIVATE_DIR/state/extended_states";
Dir::Cache "$APT_PRIVATE_DIR/cache";
Dir::Cache::archives "$APT_PRIVATE_DIR/cache/archives";
Dir::Log "$APT_PRIVATE_DIR/log";
APT::Architecture "amd64";
APT::Architectures { "amd64"; "arm64"; "armhf"; };
APT::Sandbox::User "root";
APT::Get::AllowUnauthenticated "false";
Acquire::AllowInsecureRepositories "false";
Acquire::Languages "none";
Acquire::Retries "3";
Binary::apt::APT::Keep-Downloaded-Packages "true";
EOF
	mv "$_ap_tmp" "$APT_PRIVATE_DIR/apt.conf"
	APT_CONFIG=$APT_PRIVATE_DIR/apt.conf
	export APT_CONFIG
}

# Writes sources.list: deb and deb-src for SUITE, SUITE-updates and
# SUITE-security.  An architecture listed in build/apt/exclude (lines
# "SUITE ARCH", written by apt_private_update when a mirror serves a broken
# index) is left out of that suite.
apt_private_write_sources() {
	_ap_tmp=$APT_PRIVATE_DIR/sources.list.new.$$
	{
		echo "# generated by scripts/apt-private.sh; edits are overwritten"
		for _ap_t in deb deb-src; do
			for _ap_s in "$APT_PRIVATE_SUITE" "$APT_PRIVATE_SUITE-updates" "$APT_PRIVATE_SUITE-security"; do
				_ap_u=$APT_PRIVATE_MAIN
				case $_ap_s in *-security) _ap_u=$APT_PRIVATE_SEC ;; esac
				_ap_archs=
				for _ap_a in amd64 arm64 armhf; do
					grep -qx "$_ap_s $_ap_a" "$APT_PRIVATE_DIR/exclude" 2>/dev/null && continue
					_ap_archs=${_ap_archs:+$_ap_archs,}$_ap_a
				done
				echo "$_ap_t [arch=$_ap_archs$APT_PRIVATE_KEYOPT] $_ap_u $_ap_s main"
			done
		done
	} >"$_ap_tmp"
	# Changed sources invalidate the lists.
	if ! cmp -s "$_ap_tmp" "$APT_PRIVATE_DIR/sources.list" 2>/dev/null; then
		mv "$_ap_tmp" "$APT_PRIVATE_DIR/sources.list"
		rm -f "$APT_PRIVATE_DIR/update.stamp"
	else
		rm -f "$_ap_tmp"
	fi
}

# apt_private_run_update: one apt-get update; fails when any index failed.
apt_private_run_update() {
	apt-get -q update >"$APT_PRIVATE_DIR/update.log" 2>&1 &&
		! grep -q -e '^E: ' -e '^W: Failed to fetch' -e '^W: Some index files failed' "$APT_PRIVATE_DIR/update.log"
}

# --- update the lists at most once per TINYRUN_APT_MAXAGE minutes -----------
apt_private_fresh() {
	[ -f "$APT_PRIVATE_DIR/update.stamp" ] &&
		[ -n "$(find "$APT_PRIVATE_DIR/update.stamp" -mmin -"${TINYRUN_APT_MAXAGE:-1440}" 2>/dev/null)" ]
}

apt_private_update() {
	apt_private_fresh && return 0
	# Several scripts may update at once: one does it, the others wait.
	(
		if command -v flock >/dev/null 2>&1; then
			flock 7 || exit 1
		fi
		apt_private_fresh && exit 0
		apt_private_update_locked
	) 7>"$APT_PRIVATE_DIR/update.lock"
}

apt_private_update_locked() {
	_ap_stamp=$APT_PRIVATE_DIR/update.stamp
	echo "apt-private: updating package lists in $APT_PRIVATE_DIR (log: $APT_PRIVATE_DIR/update.log)" >&2
	# Start from the full set of architectures again.
	if [ -s "$APT_PRIVATE_DIR/exclude" ]; then
		rm -f "$APT_PRIVATE_DIR/exclude"
		apt_private_write_sources || return 1
	fi
	if ! apt_private_run_update; then
		# A mirror in the middle of a sync (or a stale proxy) may serve one
		# architecture's Packages file that does not match its Release file;
		# apt then drops the whole suite.  Leave that architecture out of
		# that suite (the other suites still carry it) and try once more.
		sed -n 's,^[EW]: Failed to fetch .*/dists/\([^/]*\)/main/binary-\([a-z0-9]*\)/Packages.*,\1 \2,p' \
			"$APT_PRIVATE_DIR/update.log" | sort -u >"$APT_PRIVATE_DIR/exclude"
		_ap_other=$(grep -e '^E: ' -e '^W: Failed to fetch' "$APT_PRIVATE_DIR/update.log" |
			grep -v -e '/main/binary-[a-z0-9]*/Packages' -e 'Some index files failed to download' || true)
		if [ -s "$APT_PRIVATE_DIR/exclude" ] && [ -z "$_ap_other" ] &&
			! grep -q "^$APT_PRIVATE_SUITE " "$APT_PRIVATE_DIR/exclude"; then
			while read -r _ap_s _ap_a; do
				echo "apt-private: warning: the mirror's $_ap_s/$_ap_a package index does not match its Release file" >&2
				echo "apt-private: warning: (mirror sync in progress?); $_ap_a packages come from the other suites only today" >&2
			done <"$APT_PRIVATE_DIR/exclude"
			apt_private_write_sources || return 1
			cp "$APT_PRIVATE_DIR/update.log" "$APT_PRIVATE_DIR/update.first.log"
			apt_private_run_update || _ap_failed=1
		else
			rm -f "$APT_PRIVATE_DIR/exclude"
			_ap_failed=1
		fi
		if [ -n "${_ap_failed:-}" ]; then
			_ap_failed=
			sed -n 's/^[EW]: /  /p' "$APT_PRIVATE_DIR/update.log" >&2
			apt_private_die "apt-get update failed for the sources in $APT_PRIVATE_DIR/sources.list.
  The Debian archive must be reachable over the network (or set TINYRUN_APT_MIRROR /
  TINYRUN_APT_SECURITY to a reachable mirror); full log: $APT_PRIVATE_DIR/update.log" || return 1
		fi
	fi
	if ! ls "$APT_PRIVATE_DIR"/state/lists/*_source_Sources* >/dev/null 2>&1; then
		apt_private_die "no deb-src (Sources) index was fetched; the mirror does not serve source
  packages. Point TINYRUN_APT_MIRROR at a mirror that carries them (e.g. http://deb.debian.org/debian)." || return 1
	fi
	for _ap_a in amd64 arm64 armhf; do
		ls "$APT_PRIVATE_DIR"/state/lists/*_binary-"${_ap_a}"_Packages* >/dev/null 2>&1 ||
			apt_private_die "no Packages index for $_ap_a was fetched; the mirror must carry $_ap_a" || return 1
	done
	touch "$_ap_stamp"
}

# apt_private_fetch_verified DIR URI NAME SIZE HASH: download URI into
# DIR/NAME unless a file with that name, size and hash is already there.
apt_private_fetch_uri_ok() { # FILE SIZE HASHSPEC
	[ -f "$1" ] || return 1
	[ "$(wc -c <"$1" | tr -d ' ')" = "$2" ] || return 1
	case $3 in
	SHA256:*) [ "$(sha256sum "$1" | cut -d' ' -f1)" = "${3#SHA256:}" ] ;;
	SHA512:*) [ "$(sha512sum "$1" | cut -d' ' -f1)" = "${3#SHA512:}" ] ;;
	*) return 0 ;;
	esac
}

# --- binary packages ----------------------------------------------------------
# apt_private_download PKG[:ARCH][=VERSION]... DESTDIR
# Downloads the candidate versions into build/cache/debs (kept and reused
# when their size and hash still match the index) and copies or links them
# into DESTDIR.  Prints the paths of the .debs in DESTDIR, one per line.
apt_private_download_locked() {
	[ $# -ge 2 ] || { apt_private_die "usage: apt_private_download PKG[:ARCH]... DESTDIR"; return 1; }
	_ap_pkgs=
	while [ $# -gt 1 ]; do
		_ap_pkgs="$_ap_pkgs $1"
		shift
	done
	_ap_dest=$1
	mkdir -p "$_ap_dest" || return 1
	apt_private_update || return 1
	# shellcheck disable=SC2086
	_ap_uris=$(apt-get -q download --print-uris $_ap_pkgs 2>"$APT_PRIVATE_DIR/download.err") || {
		cat "$APT_PRIVATE_DIR/download.err" >&2
		apt_private_die "cannot resolve:$_ap_pkgs (package names wrong, or lists stale: rm $APT_PRIVATE_DIR/update.stamp)"
		return 1
	}
	_ap_need=
	_ap_names=
	# one line per package: 'URI' NAME SIZE HASH
	_ap_lines=$(printf '%s\n' "$_ap_uris" | sed -n "s/^'\([^']*\)' \([^ ]*\) \([0-9]*\) \([^ ]*\)$/\1 \2 \3 \4/p")
	[ -n "$_ap_lines" ] || { apt_private_die "apt-get printed no download URIs for:$_ap_pkgs"; return 1; }
	while read -r _ap_u _ap_n _ap_s _ap_h; do
		_ap_names="$_ap_names $_ap_n"
		apt_private_fetch_uri_ok "$APT_PRIVATE_DEBS/$_ap_n" "$_ap_s" "$_ap_h" && continue
		rm -f "$APT_PRIVATE_DEBS/$_ap_n"
		_ap_need=1
	done <<EOF
$_ap_lines
EOF
	if [ -n "$_ap_need" ]; then
		echo "apt-private: downloading$_ap_pkgs" >&2
		# shellcheck disable=SC2086
		(cd "$APT_PRIVATE_DEBS" && apt-get -q download $_ap_pkgs >"$APT_PRIVATE_DIR/download.log" 2>&1) || {
			cat "$APT_PRIVATE_DIR/download.log" >&2
			apt_private_die "apt-get download failed for:$_ap_pkgs (is the Debian archive reachable?)"
			return 1
		}
		while read -r _ap_u _ap_n _ap_s _ap_h; do
			apt_private_fetch_uri_ok "$APT_PRIVATE_DEBS/$_ap_n" "$_ap_s" "$_ap_h" || {
				apt_private_die "$_ap_n: size or hash does not match the signed index"
				return 1
			}
		done <<EOF
$_ap_lines
EOF
	fi
	for _ap_n in $_ap_names; do
		if [ "$(cd "$_ap_dest" && pwd -P)" != "$(cd "$APT_PRIVATE_DEBS" && pwd -P)" ]; then
			rm -f "$_ap_dest/$_ap_n"
			ln "$APT_PRIVATE_DEBS/$_ap_n" "$_ap_dest/$_ap_n" 2>/dev/null ||
				cp "$APT_PRIVATE_DEBS/$_ap_n" "$_ap_dest/$_ap_n" || return 1
		fi
		echo "$_ap_dest/$_ap_n"
	done
}

apt_private_download() {
	(
		if command -v flock >/dev/null 2>&1; then
			flock 6 || exit 1
		fi
		apt_private_download_locked "$@"
	) 6>"$APT_PRIVATE_DIR/download.lock"
}

# --- source packages ----------------------------------------------------------
# apt_private_source PKG... DESTDIR
# Downloads the candidate source packages (.dsc and the files it lists) into
# DESTDIR, skipping files already present with the right size and hash.
# apt checks every file against the signed Sources index.  Prints the .dsc
# paths, one per line.
apt_private_source_locked() {
	[ $# -ge 2 ] || { apt_private_die "usage: apt_private_source PKG... DESTDIR"; return 1; }
	_ap_pkgs=
	while [ $# -gt 1 ]; do
		_ap_pkgs="$_ap_pkgs $1"
		shift
	done
	_ap_dest=$1
	mkdir -p "$_ap_dest" || return 1
	apt_private_update || return 1
	# (in an empty directory: apt leaves out files already present)
	mkdir -p "$APT_PRIVATE_DIR/empty" || return 1
	# shellcheck disable=SC2086
	_ap_uris=$(cd "$APT_PRIVATE_DIR/empty" && apt-get -q source --download-only --print-uris $_ap_pkgs 2>"$APT_PRIVATE_DIR/source.err") || {
		cat "$APT_PRIVATE_DIR/source.err" >&2
		apt_private_die "cannot resolve source packages:$_ap_pkgs (deb-src lines missing or lists stale: rm $APT_PRIVATE_DIR/update.stamp)"
		return 1
	}
	_ap_lines=$(printf '%s\n' "$_ap_uris" | sed -n "s/^'\([^']*\)' \([^ ]*\) \([0-9]*\) \([^ ]*\)$/\1 \2 \3 \4/p")
	[ -n "$_ap_lines" ] || { apt_private_die "apt-get printed no source URIs for:$_ap_pkgs"; return 1; }
	_ap_need=
	while read -r _ap_u _ap_n _ap_s _ap_h; do
		apt_private_fetch_uri_ok "$_ap_dest/$_ap_n" "$_ap_s" "$_ap_h" || _ap_need=1
	done <<EOF
$_ap_lines
EOF
	if [ -n "$_ap_need" ]; then
		echo "apt-private: downloading source packages$_ap_pkgs" >&2
		# shellcheck disable=SC2086
		(cd "$_ap_dest" && apt-get -q source --download-only $_ap_pkgs >"$APT_PRIVATE_DIR/source.log" 2>&1) || {
			cat "$APT_PRIVATE_DIR/source.log" >&2
			apt_private_die "apt-get source failed for:$_ap_pkgs (is the Debian archive reachable? deb-src present?)"
			return 1
		}
	fi
	while read -r _ap_u _ap_n _ap_s _ap_h; do
		apt_private_fetch_uri_ok "$_ap_dest/$_ap_n" "$_ap_s" "$_ap_h" || {
			apt_private_die "$_ap_dest/$_ap_n: size or hash does not match the signed Sources index"
			return 1
		}
		case $_ap_n in *.dsc) echo "$_ap_dest/$_ap_n" ;; esac
	done <<EOF
$_ap_lines
EOF
}

apt_private_source() {
	(
		if command -v flock >/dev/null 2>&1; then
			flock 6 || exit 1
		fi
		apt_private_source_locked "$@"
	) 6>"$APT_PRIVATE_DIR/download.lock"
}

apt_private_setup || return 1
