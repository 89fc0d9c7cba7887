"""Real-browser checks for tests: HTML rendered by headless Chromium, giving a PNG screenshot, the browser
console's messages and whatever the page reports to a script.

Chromium and its driver come from the system's packages (on Debian: ``apt-get install chromium chromium-driver``)
and Selenium drives them; the driver's path is given explicitly, so Selenium Manager never downloads anything.
Without them the browser tests skip, saying what is missing, unless ``LMCLASSIFY_REQUIRE_BROWSER=1`` is set (as CI
does): then they fail.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REQUIRE_VARIABLE = "LMCLASSIFY_REQUIRE_BROWSER"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
INSTALL_HINT = "install Chromium and its driver (Debian: apt-get install chromium chromium-driver) and selenium"


def _first_found(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_problem() -> str | None:
    """Why no browser test can run here (``None`` when Chromium, its driver and selenium are all present)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return f"selenium is not installed; {INSTALL_HINT}"
    if _first_found(CHROMIUM_NAMES) is None:
        return f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)}); {INSTALL_HINT}"
    if _first_found(DRIVER_NAMES) is None:
        return f"no chromedriver on PATH; {INSTALL_HINT}"
    return None


def require_browser() -> None:
    """Skip the calling test when no browser can run, or fail it when ``LMCLASSIFY_REQUIRE_BROWSER=1``."""
    problem = browser_problem()
    if problem is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {problem}")
    pytest.skip(problem)


@contextmanager
def chromium(width: int = 800, height: int = 900) -> Iterator[Any]:
    """A headless Chromium WebDriver with a ``width`` x ``height`` window that keeps every console message.

    Calls :func:`require_browser` first, so a test using it skips (or fails) when no browser can run.
    """
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(_first_found(CHROMIUM_NAMES))
    for argument in (
        "--headless=new",
        "--no-sandbox",  # containers and CI run as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(_first_found(DRIVER_NAMES))), options=options)
    try:
        driver.set_window_size(width, height)
        yield driver
    finally:
        driver.quit()


def open_file(driver: Any, path: Path) -> None:
    """Load a local HTML file (Selenium waits for its ``load`` event)."""
    driver.get(path.resolve().as_uri())


def viewport_size(driver: Any) -> tuple[int, int]:
    """The page's layout viewport in CSS pixels, ``(width, height)``, as the page's scripts see it."""
    width, height = driver.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.clientHeight]"
    )
    return int(width), int(height)


def console_messages(driver: Any, levels: tuple[str, ...] = ("SEVERE", "WARNING")) -> list[str]:
    """The browser console's messages at ``levels`` since the last call (Chromium's own logging levels)."""
    return [f"{entry['level']}: {entry['message']}" for entry in driver.get_log("browser") if entry["level"] in levels]


def screenshot(driver: Any, element: Any = None) -> bytes:
    """A PNG of the viewport, or of one element when ``element`` is given."""
    return bytes(element.screenshot_as_png if element is not None else driver.get_screenshot_as_png())


def png_pixels(png: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Decode a PNG into ``(width, height, [rgb, ...])`` with Pillow (rows top to bottom)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        data = rgb.tobytes()
        return rgb.width, rgb.height, list(zip(data[0::3], data[1::3], data[2::3]))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``"#0072b2"`` as ``(0, 114, 178)``."""
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def has_colour(pixels: list[tuple[int, int, int]], colour: str, tolerance: int = 6, at_least: int = 20) -> bool:
    """Whether at least ``at_least`` pixels are within ``tolerance`` (per channel) of ``colour``."""
    target = hex_rgb(colour)
    close = 0
    for pixel in pixels:
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, target)):
            close += 1
            if close >= at_least:
                return True
    return False
