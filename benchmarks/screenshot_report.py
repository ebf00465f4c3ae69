"""Re-take the README's screenshots of the HTML report (docs/report-*.png).

Runs ``ecbench benchmark`` on the bundled corpus into a temporary folder (the committed
benchmarks/results/ are left alone), then photographs its report.html in headless Chromium:
the scores at the top, and the first document with the first system's marks (its first
error focused, so its tooltip shows).

    python benchmarks/screenshot_report.py [--report PATH/report.html] [--out docs]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from toolkit.present.html.browser import Chromium

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="an existing report.html (default: run "
                        "ecbench benchmark into a temporary folder)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecbench-shot-") as tmp:
        report = args.report
        if report is None:
            subprocess.run([sys.executable, "-m", "toolkit", "benchmark", "--results-dir", tmp,
                            "--no-progress"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            report = Path(tmp) / "report.html"
        with Chromium(width=1400, height=1000) as browser:
            browser.open(report.resolve().as_uri())
            errors = browser.console_errors()
            if errors:
                sys.exit(f"{report}: console errors: {errors}")
            top = browser.screenshot(args.out / "report-scores.png")
            # the first document, its first error focused (as after Tab) to show the tooltip
            browser.evaluate("document.querySelector('.doc').scrollIntoView(); document."
                             "querySelector('.pair:not([hidden]) mark:not(.k-correct)')"
                             "?.focus({preventScroll: true})")
            doc = browser.screenshot(args.out / "report-document.png")
    print(f"wrote {top} and {doc}")


if __name__ == "__main__":
    main()
