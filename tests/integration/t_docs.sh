# t_docs.sh: the man page (docs/tinyrun.8) and the built-in help cannot drift apart: every command
# `tinyrun --help` lists has an entry in the COMMANDS section, and every --option of `tinyrun --help` and
# of `tinyrun CMD --help` is documented (a command's options in its own entry, or in the entry of the
# command whose options it "takes", as run takes create's).

# doc_man: the man page; DOCS_MAN overrides (the tests may run from a copy of the tree)
doc_man() {
	_m=${DOCS_MAN:-$TR_INTEG_DIR/../../docs/tinyrun.8}
	[ -f "$_m" ] || return 1
	printf '%s\n' "$_m"
}

# doc_plain FILE: the roff source with font escapes and \- removed, macro names and quotes dropped
doc_plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\ / /g' "$1" |
		sed -e 's/^\.\(B\|I\|BI\|BR\|IR\|RB\|IB\|RI\) //' -e 's/"//g'
}

# doc_entries FILE: "CMD<TAB>LINE" for every line of every command's entry in the COMMANDS section
# (an entry starts at a top-level .TP whose tag names the command; .RS/.RE nest option lists)
doc_entries() {
	doc_plain "$1" | awk '
		/^\.SH/ { sec = $0; sub(/^\.SH */, "", sec); cmd = ""; depth = 0; next }
		sec != "COMMANDS" { next }
		/^\.RS/ { depth++; next }
		/^\.RE/ { if (depth > 0) depth--; next }
		/^\.TP/ { if (depth == 0) tag = 1; next }
		tag { tag = 0; cmd = $1 }
		cmd != "" { print cmd "\t" $0 }
	'
}

# doc_help_commands: the commands `tinyrun --help` lists
doc_help_commands() {
	"$TINYRUN" --help | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 } f && /^$/ { exit }'
}

# doc_long_opts: the --options in the text on stdin
doc_long_opts() {
	grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

# doc_has_opt TEXT OPT: TEXT mentions OPT as a whole option name
doc_has_opt() {
	printf '%s\n' "$1" | grep -Eq -- "(^|[^a-z0-9-])$2([^a-z0-9-]|\$)"
}

setup() {
	_man=$(doc_man) || skip "no docs/tinyrun.8 next to the tests (set DOCS_MAN)"
	doc_entries "$_man" >"$TR_TMP/entries"
	doc_help_commands >"$TR_TMP/commands"
	[ -s "$TR_TMP/commands" ] || fail "tinyrun --help lists no commands"
}

test_every_command_has_a_man_entry() {
	_missing=
	for _c in $(cat "$TR_TMP/commands"); do
		grep -q "^$_c	" "$TR_TMP/entries" || _missing="$_missing $_c"
	done
	[ -z "$_missing" ] || fail "commands listed by tinyrun --help without an entry in the COMMANDS section of $_man:$_missing"
	# and the parser of this test does find entries (a check that cannot pass vacuously)
	assert_ne "$(cut -f1 "$TR_TMP/entries" | sort -u | wc -l | command tr -d ' ')" 0 "entries found"
}

test_every_command_option_is_documented() {
	_missing=
	for _c in $(cat "$TR_TMP/commands"); do
		_text=$(awk -F '\t' -v c="$_c" '$1 == c' "$TR_TMP/entries" | cut -f2-)
		# "Takes the options of X": X's entry documents the shared options
		for _o in $(printf '%s\n' "$_text" | sed -n 's/.*options of \([a-z][a-z]*\).*/\1/p'); do
			_text="$_text
$(awk -F '\t' -v c="$_o" '$1 == c' "$TR_TMP/entries" | cut -f2-)"
		done
		_opts=$("$TINYRUN" "$_c" --help | doc_long_opts)
		for _opt in $_opts; do
			[ "$_opt" = --help ] && continue
			doc_has_opt "$_text" "$_opt" || _missing="$_missing $_c:$_opt"
		done
	done
	[ -z "$_missing" ] || fail "options in 'tinyrun CMD --help' missing from the CMD entry of $_man:$_missing"
}

test_every_global_option_is_documented() {
	_plain=$(doc_plain "$_man" | awk '/^\.SH/ { s = $0; next } s ~ /GLOBAL OPTIONS/')
	[ -n "$_plain" ] || fail "$_man has no GLOBAL OPTIONS section"
	_missing=
	for _opt in $("$TINYRUN" --help | awk '/^Commands:/ { exit } { print }' | doc_long_opts); do
		doc_has_opt "$_plain" "$_opt" || _missing="$_missing $_opt"
	done
	[ -z "$_missing" ] || fail "global options of tinyrun --help missing from GLOBAL OPTIONS in $_man:$_missing"
}

test_man_page_renders() {
	require_cmd man
	# warnings from the formatter (e.g. an unknown macro) are errors in the page
	_out=$(MANWIDTH=80 man --warnings -l "$_man" 2>&1 >/dev/null) || fail "man -l $_man failed: $_out"
	assert_eq "$_out" "" "man --warnings reports nothing"
}
