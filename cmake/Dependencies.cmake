# One imported target per third-party dependency; components link these names,
# never paths. Xapian's CMake config only sets variables and libstemmer ships no
# CMake or pkg-config file, so both are wrapped here.

find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(GTest REQUIRED)
find_package(absl REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

find_package(Xapian REQUIRED)
add_library(newsdex::xapian INTERFACE IMPORTED)
target_include_directories(newsdex::xapian INTERFACE ${XAPIAN_INCLUDE_DIR})
target_link_libraries(newsdex::xapian INTERFACE ${XAPIAN_LIBRARIES})

find_package(ICU REQUIRED COMPONENTS uc i18n data)
add_library(newsdex::icu INTERFACE IMPORTED)
target_link_libraries(newsdex::icu INTERFACE ICU::uc ICU::i18n ICU::data)

find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
find_library(CLD2_LIBRARY cld2 REQUIRED)
add_library(newsdex::cld2 INTERFACE IMPORTED)
target_include_directories(newsdex::cld2 INTERFACE ${CLD2_INCLUDE_DIR})
target_link_libraries(newsdex::cld2 INTERFACE ${CLD2_LIBRARY})

find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)
find_library(HTTPLIB_LIBRARY cpp-httplib REQUIRED)
add_library(newsdex::httplib INTERFACE IMPORTED)
target_include_directories(newsdex::httplib INTERFACE ${HTTPLIB_INCLUDE_DIR})
target_link_libraries(newsdex::httplib INTERFACE ${HTTPLIB_LIBRARY} Threads::Threads)
# Debian builds libcpp-httplib with zlib, OpenSSL and Brotli support; its
# classes change layout with these macros, so every includer must define all
# three exactly as the library was built (see cpp-httplib.pc).
target_compile_definitions(newsdex::httplib INTERFACE
  CPPHTTPLIB_ZLIB_SUPPORT CPPHTTPLIB_OPENSSL_SUPPORT CPPHTTPLIB_BROTLI_SUPPORT)

add_library(newsdex::json INTERFACE IMPORTED)
target_link_libraries(newsdex::json INTERFACE nlohmann_json::nlohmann_json)

add_library(newsdex::zlib INTERFACE IMPORTED)
target_link_libraries(newsdex::zlib INTERFACE ZLIB::ZLIB)

# The Abseil pieces we use, as one name.
add_library(newsdex::absl INTERFACE IMPORTED)
target_link_libraries(newsdex::absl INTERFACE
  absl::status absl::statusor absl::strings absl::str_format absl::time
  absl::civil_time absl::flat_hash_map absl::flat_hash_set absl::flags
  absl::flags_parse absl::synchronization absl::span absl::optional)

# The allocator of newsdex-index (never of the libraries, so an embedding
# program keeps its own). The bulk loader builds documents on one thread and
# frees them on the shard writers, where jemalloc's thread caches beat glibc's
# arenas. newsdexd keeps glibc: with jemalloc it spent 25% more CPU per
# request (docs/benchmarks.md, "An allocator"). The sanitizers bring their
# own allocator, so a sanitized build keeps theirs.
add_library(newsdex::malloc INTERFACE IMPORTED)
if(NOT NEWSDEX_SANITIZE)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(newsdex::malloc INTERFACE PkgConfig::JEMALLOC)
endif()
