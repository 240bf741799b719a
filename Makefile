# SPDX-License-Identifier: MIT
# Thin front end over CMake: make, make run, make test, make asan, make fuzz, make format.
BUILD ?= build
ASAN_BUILD ?= build-asan
DATA ?= ./hikeshi-data
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps run test asan fuzz format lint bench clean

all: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)

deps:
	@sh scripts/deps.sh $(if $(filter test asan fuzz,$(MAKECMDGOALS)),test)

run: all
	$(if $(DEMO),$(BUILD)/hikeshi demo --data $(DATA))
	$(BUILD)/hikeshi serve --data $(DATA) --listen $(LISTEN)

test: all
	@$(MAKE) --no-print-directory lint
	cd $(BUILD) && ctest --output-on-failure -j2
	@$(MAKE) --no-print-directory asan

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHK_ASAN=ON >/dev/null
	@cmake --build $(ASAN_BUILD)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2

fuzz: deps
	@CC=clang-14 cmake -S . -B build-fuzz -G Ninja -DHK_FUZZ=ON -DHK_TESTS=ON >/dev/null
	@cmake --build build-fuzz
	sh scripts/fuzz.sh build-fuzz $(or $(FUZZ_TIME),60)

format:
	clang-format-14 -i $$(find src include tests fuzz bench -name '*.[ch]')

lint:
	@clang-format-14 --dry-run --Werror $$(find src include tests fuzz bench -name '*.[ch]')
	@echo 'lint: clang-format-14 clean'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
