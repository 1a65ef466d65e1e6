# The first two commands of the README: `make demo` and `make test`.
# Each (re)builds .venv from the lock file when the lock or pyproject changed, then runs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LOCK   ?= requirements/dev.lock
STAMP  := $(VENV)/.installed-$(notdir $(LOCK))

# Public data: use the shared folder beside the checkout when there is one (CI has it);
# otherwise the registry downloads pinned files into the platform cache on first use.
ifneq ($(wildcard ../shared/data/MANIFEST.md),)
export SCALEWALL_DATA_DIR ?= $(abspath ../shared/data)
endif

# The fits batch many tiny matrix problems: BLAS threads only fight over the cores (up to 10x
# slower on 2 cores), so run single-threaded unless the caller says otherwise.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: demo demo-quick test lint typecheck pytest bench lock clean

$(STAMP): $(LOCK) pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	$(VENV)/bin/scalewall demo

demo-quick: $(STAMP)
	$(VENV)/bin/scalewall demo --quick

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VENV)/bin/pytest -q

test: lint typecheck pytest

# Benchmarks need the peers (requirements/bench.lock); they are never part of `make test`.
# Each script times scalewall and its reference side by side in one run and prints the ratio.
BENCHES := fit collapse forecast tts lm hub
bench:
	$(MAKE) LOCK=requirements/bench.lock $(VENV)/.installed-bench.lock
	@for b in $(BENCHES); do echo "== benchmarks/bench_$$b.py"; $(PY) benchmarks/bench_$$b.py || exit 1; done

# Regenerate the lock files after editing pyproject.toml (needs `uv` on PATH). PyTorch is pinned to
# its CPU build, which pip finds beside the registry; the CUDA wheels that PyPI's Linux build
# pulls in are left out of the locks (a GPU machine installs its own torch).
CUDA_ONLY := ^(nvidia-|cuda-|triton==)
UV_COMPILE := uv pip compile pyproject.toml --python-version 3.11 --python-platform x86_64-manylinux_2_28 --quiet --no-header --no-annotate
lock:
	$(UV_COMPILE) --extra dev --extra lm | grep -vE '$(CUDA_ONLY)' > requirements/dev.lock
	$(UV_COMPILE) --extra dev --extra lm --extra bench | grep -vE '$(CUDA_ONLY)' > requirements/bench.lock

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build src/*.egg-info
