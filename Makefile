# Thin wrapper over CMake presets and the scripts; see README.md.
.PHONY: run build release test asan clang services-start services-stop bench format format-check lint clean

run: release
	@mkdir -p data
	./build/release/src/gatehouse serve

release:
	scripts/bootstrap
	cmake --preset release >/dev/null
	cmake --build --preset release

build:
	scripts/bootstrap
	cmake --preset debug >/dev/null
	cmake --build --preset debug

asan:
	scripts/bootstrap
	cmake --preset asan >/dev/null
	cmake --build --preset asan

test:
	scripts/test

services-start:
	scripts/services start

services-stop:
	scripts/services stop

bench: release
	bench/run heartbeat

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'examples/*.cpp' 'examples/*.hpp')

# Fails on any formatting difference (CI gate).
format-check:
	clang-format --dry-run -Werror $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'examples/*.cpp' 'examples/*.hpp')

# The release configuration built with Clang: its warnings are errors too (CI gate).
clang:
	scripts/bootstrap
	cmake --preset clang >/dev/null
	cmake --build --preset clang

lint:
	cmake --preset debug >/dev/null
	run-clang-tidy -p build/debug -quiet -extra-arg=-Wno-unknown-warning-option $$(git ls-files 'src/*.cpp' 'examples/*.cpp' ':(exclude)examples/*/tests/*')

clean:
	rm -rf build
