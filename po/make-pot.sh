#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make-pot.sh SOURCE_DIR FILE_LIST OUTPUT [VERSION]
#
# Extracts the translatable strings of the files named in FILE_LIST (paths relative to
# SOURCE_DIR, one per line; po/CMakeLists.txt writes it from POTFILES.in and the globs of
# src/ui and ui/) into the template OUTPUT. The yundesk-pot target and check-translations.sh
# both run this, so the template they see is the same.
#
# xgettext takes one language per run: C sources, then GtkBuilder files (the Glade language,
# which reads translatable="yes"), then the rest, whose language xgettext knows from the file
# name (.desktop.in, .metainfo.xml.in, .gschema.xml).
set -eu

if [ $# -lt 3 ]; then
  echo "usage: $0 SOURCE_DIR FILE_LIST OUTPUT [VERSION]" >&2
  exit 2
fi
srcdir=$1
list=$2
output=$3
version=${4:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Blank lines and comments are allowed in the list.
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$list" >"$tmp/all" || true
grep -e '\.[ch]$' "$tmp/all" >"$tmp/c" || true
grep -e '\.ui$' "$tmp/all" >"$tmp/ui" || true
grep -v -e '\.[ch]$' -e '\.ui$' "$tmp/all" >"$tmp/other" || true

join=""
extract () {
  # shellcheck disable=SC2086 # $join is one option or nothing
  if ! xgettext --from-code=UTF-8 --add-comments=Translators --force-po \
    --package-name=YunDesk ${version:+"--package-version=$version"} \
    --msgid-bugs-address=https://github.com/yundesk/yundesk/issues \
    --directory="$srcdir" --output="$tmp/yundesk.pot" $join "$@" 2>"$tmp/stderr"; then
    cat "$tmp/stderr" >&2
    exit 1
  fi
  # gettext 0.21 says, for each .ui file, that its GtkBuilder rules are a "fallback"; they
  # are the rules the Glade language has, so only the other messages are worth showing.
  grep -v -e 'a fallback ITS rule file' "$tmp/stderr" >&2 || true
  join=--join-existing
}

if [ -s "$tmp/c" ]; then
  extract --language=C --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dngettext:2,3 --files-from="$tmp/c"
fi
if [ -s "$tmp/ui" ]; then
  extract --language=Glade --files-from="$tmp/ui"
fi
if [ -s "$tmp/other" ]; then
  extract --files-from="$tmp/other"
fi
if [ -z "$join" ]; then
  echo "$0: no files to extract strings from in $list" >&2
  exit 1
fi

cp "$tmp/yundesk.pot" "$output"
