#!/bin/sh
# SPDX-License-Identifier: MIT
# libyun (src/core, include/yun) must stay GTK-free: no GTK, libadwaita or VTE, in code,
# includes or build files. Prints the offending lines and fails if there are any.
top=${1:?usage: check-layering.sh SOURCE_DIR}
if grep -rniE 'gtk|adwaita|vte' "$top/src/core" "$top/include/yun"; then
  echo "libyun must not mention GTK, libadwaita or VTE (see ARCHITECTURE.md, Layers)" >&2
  exit 1
fi
echo "src/core and include/yun are GTK-free"
