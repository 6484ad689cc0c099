# SPDX-License-Identifier: MIT
# YUN_SANITIZE=ON builds everything with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer; any finding ends the program with an error. The tests then run
# with the environment in YUN_SANITIZE_TEST_ENVIRONMENT, which tests/CMakeLists.txt adds to
# theirs, so a plain "ctest" in the build folder is the sanitized run.
option(YUN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(YUN_SANITIZE)
  set(YUN_SANITIZE_FLAGS
    -fsanitize=address,undefined
    -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  add_compile_options(${YUN_SANITIZE_FLAGS})
  add_link_options(${YUN_SANITIZE_FLAGS})

  # cmake/lsan.supp: the system libraries' own allocations, never YunDesk's.
  # cmake/asan-<program>.options: options for one program only (%b is its name). GLib is
  # built without frame pointers, so the fast unwinder stops at g_malloc; the programs that
  # run in a keyring session (tests/run-with-keyring.sh) unwind the slow way, which is what
  # lets the libsecret suppressions match, at four times the cost, so only there.
  # The GUI tests run with ASan and UBSan, unwinding fast, but without leak checking
  # (cmake/asan-test-gui-*.options): after fontconfig's, they leave a few blocks allocated
  # through g_malloc (5 to 18 KB) whose stacks end at g_malloc, so neither a suppression
  # nor a fix can be aimed at them, and slow unwinding stalls GTK's start. The core, yunctl
  # and yunsim code they run is leak-checked by every other test.
  set(YUN_SANITIZE_TEST_ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:check_initialization_order=1:include_if_exists=${CMAKE_CURRENT_LIST_DIR}/asan-%b.options"
    "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan.supp:print_suppressions=0"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
    # GLib's slice allocator would otherwise hide its blocks from ASan.
    "G_SLICE=always-malloc")
  # Everything runs two to four times slower: every test's time limit is multiplied.
  set(YUN_TEST_TIMEOUT_FACTOR 3)
else()
  set(YUN_SANITIZE_TEST_ENVIRONMENT)
  set(YUN_TEST_TIMEOUT_FACTOR 1)
endif()
