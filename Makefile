# Safe to Report. `make serve` to preview, `make test` to check everything, `make site` to build site/.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
STAMP   := $(VENV)/.requirements-installed
PORT    ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve site test bench release clean

# The virtual environment is rebuilt only when requirements.txt changes.
$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

serve: install   ## build and serve at http://127.0.0.1:8000, rebuilding when docs/, data/ or scripts/ change
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

site: install    ## build into site/; on any error the previous site/ is left exactly as it was
	$(PYTHON) -m scripts.build_site

test: install    ## every test: statistics, data, build, browser
	$(PYTHON) -m pytest

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

bench: install node_modules/.package-lock.json  ## build timings against the floor, and Lighthouse on every page
	$(PYTHON) -m scripts.bench

release: install ## build VERSION=x.y.z with its PDF and deploy it with mike to gh-pages as latest
	@test -n "$(VERSION)" || (echo "usage: make release VERSION=1.2.3" && exit 2)
	$(PYTHON) -m scripts.release $(VERSION)

clean:
	rm -rf site .site-build-* .site-old-* .cache .pytest_cache
