# KC_SANITIZE: ASan + UBSan on everything, every finding fatal.
if(KC_SANITIZE)
  set(KC_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${KC_SAN_FLAGS})
  add_link_options(${KC_SAN_FLAGS})
endif()
