{
  "targets": [
    {
      "target_name": "fastpbkdf2",
      "sources": [
        "native/addon.cc",
        "native/hash_pool.cc",
        "native/thread_priority.cc",
        "native/pbkdf2.c",
        "native/pbkdf2_x86_shani.c",
        "native/pbkdf2_x86_bmi2.c",
        "native/pbkdf2_x86_wide.c",
        "native/pbkdf2_x86_hybrid512.c",
        "native/pbkdf2_x86_vsched.c",
        "native/backends_x86.c",
        "native/cpu_x86.c",
        "native/pbkdf2_armv8.c"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags": ["-O3", "-fno-strict-aliasing"],
      "cflags_cc": ["-O3", "-std=c++17", "-pthread", "-fexceptions"],
      "ldflags": ["-pthread"],
      "cflags!": ["-O2"],
      "cflags_cc!": ["-O2", "-fno-exceptions"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "Optimization": 2, "ExceptionHandling": 1 }
      }
    }
  ]
}
