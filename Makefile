# Safe to Report. `make serve` to preview, `make test` to check everything, `make site` to build site/.
VENV      := .venv
PYTHON    := $(VENV)/bin/python
STAMP     := $(VENV)/.requirements-installed
DEV_STAMP := $(VENV)/.requirements-dev-installed
PORT      ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: install install-dev serve site test bench release preview clean

# Building and serving need only requirements.txt; tests, benchmarks and releases add requirements-dev.txt.
# Each is installed again only when its file changes.
$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

serve: install   ## build and serve at http://127.0.0.1:8000, rebuilding when docs/, data/ or scripts/ change
	$(PYTHON) -m scripts.serve --dev-addr 127.0.0.1:$(PORT)

site: install    ## build into site/; on any error the previous site/ is left exactly as it was
	$(PYTHON) -m scripts.build_site

test: install-dev    ## every test: statistics, data, build, browser
	$(PYTHON) -m pytest

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

bench: install-dev node_modules/.package-lock.json  ## build timings against the floor, and Lighthouse on every page
	$(PYTHON) -m scripts.bench

release: install-dev ## check, test, print and deploy VERSION=x.y.z to gh-pages as latest (see README)
	@test -n "$(VERSION)" || (echo "usage: make release VERSION=1.2.3 SITE_URL=https://… SITE_CONTACT=…" && exit 2)
	SITE_URL="$(SITE_URL)" SITE_CONTACT="$(SITE_CONTACT)" $(PYTHON) -m scripts.release $(VERSION)

preview: install ## serve the deployed versions (the gh-pages branch) at http://127.0.0.1:8000
	$(VENV)/bin/mike serve --branch gh-pages --dev-addr 127.0.0.1:$(PORT)

clean:
	rm -rf site .site-build-* .site-old-* .cache .pytest_cache
