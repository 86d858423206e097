# Every dependency comes from a Debian package installed by scripts/setup.
# Nothing is vendored or fetched at build time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)            # RS256 only: libsodium has no RSA
find_package(nlohmann_json 3.11 REQUIRED)
find_package(GTest REQUIRED)
find_package(rapidcheck REQUIRED)
find_package(CLI11 REQUIRED)
find_package(uriparser 0.9 REQUIRED)
find_package(CURL 7.88 REQUIRED)              # the harness's HTTP client (http and https)
find_package(ICU 72 REQUIRED COMPONENTS uc i18n)  # UTS #46 hosts; collation for localeCompare
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
