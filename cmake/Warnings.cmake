# Strict warnings for every target of the project; KC_WERROR turns them into
# errors (CI sets it).
set(KC_WARNING_FLAGS
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings
  -Wformat=2 -Wundef -Wcast-qual -Wnull-dereference -Wvla
  -Wold-style-definition -Wdouble-promotion)
if(KC_WERROR)
  list(APPEND KC_WARNING_FLAGS -Werror)
endif()

# kc_warnings(target...): apply the project's warning set.
function(kc_warnings)
  foreach(t ${ARGN})
    target_compile_options(${t} PRIVATE ${KC_WARNING_FLAGS})
  endforeach()
endfunction()
