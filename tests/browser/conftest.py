"""What the browser tests share: one Chromium for the whole run.

Playwright's synchronous API allows one running instance per thread, so every browser test
module uses this session's browser rather than starting its own.
"""
import pytest
from browser_support import CHROMIUM_ARGS, chromium_or_skip


@pytest.fixture(scope="session")
def chromium_path():
    return chromium_or_skip()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
