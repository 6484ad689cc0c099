# SPDX-License-Identifier: MIT
# The warning set, after GNOME Text Editor's meson.build: mistakes that are always bugs are
# errors everywhere; the rest become errors in CI through YUN_WERROR.
set(YUN_WARNING_FLAGS
  -Wall
  -Wextra
  -Wformat=2
  -Wno-unused-parameter
  -Wno-missing-field-initializers
  -Wmissing-prototypes
  -Wmissing-declarations
  -Wpointer-arith
  -Wnested-externs
  -Wundef
  -Wswitch-default
  -Wswitch-enum
  -Wno-error=switch-enum
  -Werror=implicit-function-declaration
  -Werror=return-type
  -Werror=format-security
  -Werror=shadow
  -Werror=strict-prototypes
  -Werror=missing-braces
  -Werror=int-conversion
  -Werror=incompatible-pointer-types
  -Werror=init-self
  -Werror=pointer-arith
  -Werror=sequence-point
  -Werror=empty-body
  -Werror=implicit-fallthrough
  -fno-strict-aliasing
  -fstack-protector-strong)

if(YUN_WERROR)
  list(APPEND YUN_WARNING_FLAGS -Werror)
endif()

add_compile_options(${YUN_WARNING_FLAGS})
