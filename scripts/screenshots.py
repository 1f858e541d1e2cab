"""make screenshots: PNGs of the home, topic, matrix and essay pages, desktop and phone, for the README.

    python scripts/screenshots.py [--out screenshots]

Builds a copy of the project, serves it on 127.0.0.1 and photographs it in
headless Chromium at 1280x800: the home page, the topic page on live
streaming, the risks-and-what-to-do page, and the essay paragraph the topic's
first quote links to, highlighted as a reader sees it after clicking the
quote; then the home, a risk page and the matrix on a 390x844 phone (the
risk page in the dark palette). Each PNG must stay under 200 KB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitetools import CHROMIUM, CHROMIUM_ARGS, ROOT, SiteServer, build_copy  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_BYTES = 200 * 1024
TOPIC = "topics/live-streaming/"
RISK = "topics/squeeze-by-big-sellers/"


def shoot(site_url: str, out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT, base_url=site_url)
        page.set_default_timeout(15_000)

        def save(name: str) -> None:
            expect(page.locator(".md-search-result__meta")).not_to_contain_text("Initializing")
            path = out / f"{name}.png"
            page.screenshot(path=path, animations="disabled", caret="hide")
            shots.append(path)

        page.goto("")
        save("home")
        page.goto(TOPIC)
        save("topic")
        page.locator("article li a[href*='/essays/'][href*='#p']").first.click()
        page.wait_for_url("**/essays/**#p*")
        page.mouse.move(0, 0)
        save("essay")
        page.goto("matrix/")
        save("matrix")
        for scheme, name, address in (("light", "phone-home", ""), ("dark", "phone-risk", RISK), ("light", "phone-matrix", "matrix/")):
            page = browser.new_page(viewport=PHONE, base_url=site_url, color_scheme=scheme, is_mobile=True)
            page.goto(address)
            save(name)
        browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb-shots-") as scratch:
        site = Path(scratch) / "site"
        with SiteServer(site) as server:
            build_copy(Path(scratch) / "project", site)
            shots = shoot(server.url, args.out)
    too_big = []
    for shot in shots:
        size = shot.stat().st_size
        print(f"screenshots: {shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot} ({size // 1024} KB)")
        if size > MAX_BYTES:
            too_big.append(shot.name)
    if too_big:
        print(f"screenshots: over {MAX_BYTES // 1024} KB: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
