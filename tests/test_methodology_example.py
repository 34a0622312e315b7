"""The worked example in docs/content.md and on the methodology page is what the build computes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site import load_site

ROOT = Path(__file__).resolve().parent.parent
SLUG = "mobilebert-uncased-squad-v2"


def test_worked_example_matches_the_computed_scores() -> None:
    site = load_site(ROOT / "content")
    score = site.scores[SLUG]
    dims = score.dimensions
    assert site.config.weights == pytest.approx(
        {"adoption": 0.3, "quality": 0.3, "ecosystem": 0.2, "match_graph": 0.2}
    )
    assert dims["adoption"].score is None and dims["adoption"].confidence == 0
    assert dims["quality"].score == pytest.approx(78.25)
    assert dims["quality"].confidence == 0.5
    assert dims["ecosystem"].score == pytest.approx(87.5)
    assert site.graph.times_matched(SLUG) == 16
    assert len(site.graph.partners(SLUG)) == 6
    assert dims["match_graph"].score == pytest.approx((100 * 16 / 24 + 100 * 6 / 10) / 2)
    assert round(score.rank or 0, 2) == 76.63
    assert score.confidence == pytest.approx(0.55)


@pytest.mark.parametrize("path", ["docs/content.md", "templates/methodology.html"])
def test_the_example_text_states_those_numbers(path: str) -> None:
    text = (ROOT / path).read_text()
    for expected in (
        "78.25",
        "87.5",
        "16 capability matches",
        "= 60",
        "63.33",
        "76.63",
        "0.55",
        "55%",
        "100 · x / (x + h)" if path.endswith(".html") else "100 × x / (x + h)",
    ):
        assert expected in text, expected
