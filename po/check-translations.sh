#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-translations.sh SOURCE_DIR FILE_LIST
#
# Fails unless every language of po/LINGUAS translates every string that the sources mark
# for translation today. The template is extracted afresh (with make-pot.sh, as the
# yundesk-pot target does) rather than read from po/yundesk.pot, which may be out of date.
# Lists, per language, each message that the .po file lacks, leaves empty or marks fuzzy, and
# runs msgfmt --check on it.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 SOURCE_DIR FILE_LIST" >&2
  exit 2
fi
srcdir=$1
list=$2
podir="$srcdir/po"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sh "$podir/make-pot.sh" "$srcdir" "$list" "$tmp/yundesk.pot"

status=0

# gettext's GtkBuilder rules only take translatable="yes"; GTK also accepts "true" and "1",
# and such a string would be shown untranslated without anything else noticing.
for ui in $(grep -e '\.ui$' "$list" || true); do
  if grep -n -E 'translatable="([Tt]rue|TRUE|1)"' "$srcdir/$ui" >"$tmp/ui-flags"; then
    echo "$ui: write translatable=\"yes\"; xgettext skips these:"
    sed 's/^/  /' "$tmp/ui-flags"
    status=1
  fi
done

# Prints the messages of a PO file but its header, one line each: "  [context] text".
list_messages () {
  msgattrib --no-wrap --no-obsolete --no-location --force-po "$1" |
    awk '
      function text(line) { sub(/^[^"]*"/, "", line); sub(/"$/, "", line); return line }
      /^msgctxt / { ctxt = text($0); part = "ctxt"; next }
      /^msgid / { id = text($0); part = "id"; next }
      /^"/ { if (part == "id") id = id text($0); else if (part == "ctxt") ctxt = ctxt text($0); next }
      /^msgid_plural / { part = "plural"; next }
      /^msgstr/ {
        if (part == "id" || part == "plural") {
          if (id != "" || ctxt != "") print "  " (ctxt != "" ? "[" ctxt "] " : "") id
        }
        ctxt = ""; id = ""; part = "str"
      }'
}

# shellcheck disable=SC2013 # words: LINGUAS may name several languages on one line
for lang in $(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$podir/LINGUAS"); do
  po="$podir/$lang.po"
  if [ ! -f "$po" ]; then
    echo "po/$lang.po: missing (the language is in po/LINGUAS)"
    status=1
    continue
  fi

  if ! msgfmt --check --output-file=/dev/null "$po"; then
    echo "po/$lang.po: msgfmt --check failed"
    status=1
  fi

  # What the template asks for, with this language's translations filled in. Exact matches
  # only, so a message that the .po file lacks comes out untranslated, not guessed.
  msgmerge --quiet --no-fuzzy-matching --no-wrap --output-file="$tmp/$lang.po" \
    "$po" "$tmp/yundesk.pot"

  msgattrib --untranslated --no-obsolete --force-po --output-file="$tmp/$lang-untranslated.po" \
    "$tmp/$lang.po"
  list_messages "$tmp/$lang-untranslated.po" >"$tmp/$lang-untranslated"
  if [ -s "$tmp/$lang-untranslated" ]; then
    echo "po/$lang.po: $(wc -l <"$tmp/$lang-untranslated") message(s) missing or untranslated:"
    cat "$tmp/$lang-untranslated"
    status=1
  fi

  msgattrib --only-fuzzy --no-obsolete --force-po --output-file="$tmp/$lang-fuzzy.po" "$tmp/$lang.po"
  list_messages "$tmp/$lang-fuzzy.po" >"$tmp/$lang-fuzzy"
  if [ -s "$tmp/$lang-fuzzy" ]; then
    echo "po/$lang.po: $(wc -l <"$tmp/$lang-fuzzy") fuzzy message(s):"
    cat "$tmp/$lang-fuzzy"
    status=1
  fi
done

if [ "$status" -eq 0 ]; then
  echo "All $(($(grep -c '^msgid ' "$tmp/yundesk.pot") - 1)) template messages are translated."
fi
exit "$status"
