# A thin wrapper over CMake. "make run" builds and starts a local server with the client on it;
# "make test" builds and runs the whole suite. Both install missing Debian packages first.
BUILD ?= build
PORT ?= 6667
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build run server test asan fuzz bench deb clean

all: build

build:
	@sh tests/install-deps.sh build
	@cmake -S . -B $(BUILD) -DLANCHAT_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@sh assets/lanchat-local.sh $(BUILD) $(PORT)

server: build
	./$(BUILD)/server/lanchatd -p $(PORT)

test:
	@sh tests/install-deps.sh test
	@cmake -S . -B $(BUILD)-test -DLANCHAT_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-test -j$(JOBS)
	@cd $(BUILD)-test && ctest --output-on-failure -j$(JOBS) --timeout 300

asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_FLAGS="$(CMAKE_FLAGS) -DLANCHAT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

fuzz:
	@sh tests/install-deps.sh test
	@CC=clang cmake -S . -B build-fuzz -DLANCHAT_FUZZ=ON -DLANCHAT_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target fuzz_line fuzz_beacon fuzz_server fuzz_telnet \
	    fuzz_client fuzz_lan fuzz_config fuzz_dcc fuzz_trust fuzz_chathistory fuzz_sasl \
	    fuzz_modes
	@sh tests/fuzz/run.sh build-fuzz $${FUZZ_SECONDS:-60}

bench: build
	@sh tests/bench/compare.sh $(BUILD)

# A Debian package of both programs (build-deb/lanchat_VERSION_ARCH.deb), built for /usr.
deb:
	@sh tests/install-deps.sh deb
	@cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DLANCHAT_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-deb -j$(JOBS)
	@cd build-deb && cpack -G DEB

clean:
	rm -rf build build-test build-asan-test build-fuzz build-deb
