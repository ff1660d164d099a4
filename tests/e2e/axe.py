"""axe-core, from the npm registry (package.json; `make install` runs npm ci),
injected into the page under test."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page, readable."""
    if not AXE.exists():
        pytest.skip(
            "axe-core comes from npm: install Node.js and run `make test` again"
        )
    # Evaluated through the browser's debugging protocol, which the portal's
    # Content-Security-Policy (no inline scripts) rightly does not allow a page.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})""",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
