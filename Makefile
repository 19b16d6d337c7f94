# Thin wrappers over `python -m analysis ...`. Run `make help` for the list.
YEAR ?= 2024-25
# AREA: an ONS area code or a partnership's id; empty means the partnership that supplies its own figures.
AREA ?=
AREA_OPTION = $(if $(AREA), --area $(AREA))
JOBS ?= 2
# Test files run at once by `make test` (pytest-xdist); the editions they read are built once.
TEST_WORKERS ?= 2
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help book book-all test test-fast screenshots pdf validate new-edition new-partnership import-national fetch-national committee-paper verify clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'
	@echo "  Variables: YEAR=$(YEAR) AREA=$(if $(AREA),$(AREA),(the partnership with its own figures)) JOBS=$(JOBS)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP) ## Execute the notebooks and build the book for YEAR and AREA (only what changed; FORCE=1 for everything)
	$(BIN)/python -m analysis build --year $(YEAR)$(AREA_OPTION) --jobs $(JOBS)$(if $(FORCE), --force)

book-all: $(STAMP) ## Build every area's edition for YEAR on Dask into one site (AREAS="CODE ..." for some; WORKERS=N)
	$(BIN)/python -m analysis build-all --year $(YEAR)$(if $(AREAS), --areas $(AREAS))$(if $(WORKERS), --workers $(WORKERS))$(if $(FORCE), --force)

pdf: $(STAMP) ## Print the built edition for YEAR and AREA to a PDF, without the appendices unless APPENDICES=1; COMMITTEE_DATE=YYYY-MM-DD for the cover (needs Chromium; run make book first)
	$(BIN)/python -m analysis pdf --year $(YEAR)$(AREA_OPTION)$(if $(APPENDICES), --appendices)$(if $(COMMITTEE_DATE), --committee-date $(COMMITTEE_DATE))

test: $(STAMP) ## Run the whole test suite: tests/unit, tests/book (builds editions) and tests/browser (Chromium), TEST_WORKERS files at a time
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: $(STAMP) ## Run the fast tests only: tests/unit, no book is built (under 30 s)
	$(BIN)/python -m pytest tests/unit

screenshots: $(STAMP) ## Picture the front page, a section and two PDF pages at 1366 and 390 px wide, into _build/screenshots/
	$(BIN)/python -m pytest tests/browser/test_browser.py::test_screenshots_of_the_front_page_and_a_section \
		tests/browser/test_pdf.py::test_screenshots_of_two_pdf_pages_at_both_sizes

validate: $(STAMP) ## Check the partnership's figures for YEAR (AREA picks the partnership)
	$(BIN)/python -m analysis validate --year $(YEAR)$(AREA_OPTION)

new-edition: $(STAMP) ## Create return templates for YEAR (AREA picks the partnership)
	$(BIN)/python -m analysis new-edition $(YEAR)$(AREA_OPTION)

new-partnership: $(STAMP) ## Start a partnership's book: CODES="E.. [E..]" [ID=...] [NAME="..."], with return templates for YEAR
	$(BIN)/python -m analysis new-partnership $(CODES) --year $(YEAR)$(if $(ID), --id $(ID))$(if $(NAME), --name "$(NAME)")

import-national: $(STAMP) ## Import national statistics from SOURCE (a folder of EES CSV files)
	$(BIN)/python -m analysis import-national $(SOURCE)

fetch-national: $(STAMP) ## Download the pinned national statistics (data/national-sources.json) from EES and import them; CHECK=1 lists newer versions and their changes only, UPDATE=1 takes the newest
	$(BIN)/python -m analysis fetch-national$(if $(CHECK), --check)$(if $(UPDATE), --update)

committee-paper: $(STAMP) ## Write the council's cover report to the scrutiny committee for YEAR and AREA, as Word and PDF with the book as Appendix 1 (run make book first)
	$(BIN)/python -m analysis committee-paper --year $(YEAR)$(AREA_OPTION)

verify: $(STAMP) ## Rebuild YEAR in a temporary folder and report any difference
	$(BIN)/python -m analysis verify --year $(YEAR)$(AREA_OPTION)

clean: ## Remove everything built (the virtual environment stays)
	rm -rf _build
