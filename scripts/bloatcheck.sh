#!/bin/sh
# bloatcheck NM OLD NEW: symbol-by-symbol size difference of two unstripped
# tinyrun binaries (text, data and bss symbols), largest changes first, then
# the totals. Used by `make bloatcheck` against the `make baseline` copy.
set -eu
nm=$1 old=$2 new=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
syms() { "$nm" --size-sort -S -t d "$1" | awk 'NF == 4 { printf "%s %d\n", $4, $2 }' | sort; }
syms "$old" > "$tmp/old"
syms "$new" > "$tmp/new"
join -a1 -a2 -e0 -o 0,1.2,2.2 "$tmp/old" "$tmp/new" |
	awk '{ d = $3 - $2; if (d) printf "%+8d %8d %8d  %s\n", d, $2, $3, $1 }' |
	cat > "$tmp/diff"
printf '%8s %8s %8s  %s\n' delta old new symbol
awk '{ a = $1 < 0 ? -$1 : $1; print a "\t" $0 }' "$tmp/diff" | sort -nr | cut -f2-
printf 'symbols: %+d bytes\n' "$(awk '{ s += $1 } END { print s + 0 }' "$tmp/diff")"
printf 'file:    %d -> %d bytes (unstripped)\n' "$(wc -c < "$old")" "$(wc -c < "$new")"
