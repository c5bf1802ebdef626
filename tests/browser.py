"""Headless Chromium for tests that look at rendered HTML: the DOM as the browser built it, and a screenshot.

Uses the ``chromium`` on PATH (Debian's package); tests skip when there is none. The browser is kept
off the network and away from the user's profile.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--enable-logging=stderr",
    "--v=0",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Rendered:
    dom: str
    log: str


def run(page: Path, profile: Path, *extra: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    binary = chromium()
    if binary is None:
        raise RuntimeError("no chromium on PATH")
    return subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def dump_dom(page: Path, profile: Path) -> Rendered:
    done = run(page, profile, "--dump-dom")
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return Rendered(dom=done.stdout, log=done.stderr)


def screenshot(page: Path, profile: Path, out: Path, *, width: int = 1400, height: int = 2200) -> Rendered:
    done = run(page, profile, f"--screenshot={out}", f"--window-size={width},{height}", "--hide-scrollbars")
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"chromium made no screenshot ({done.returncode}): {done.stderr[-2000:]}")
    return Rendered(dom="", log=done.stderr)


def console_errors(log: str) -> list[str]:
    """Lines of Chromium's log that report a page error (an uncaught exception, a console error)."""
    return [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def colour_counts(path: Path) -> tuple[tuple[int, int], Counter[tuple[int, int, int]]]:
    """A screenshot's size and how many pixels have each RGB colour."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        counts = Counter({colour: count for count, colour in rgb.getcolors(maxcolors=rgb.width * rgb.height) or []})
        return rgb.size, counts
