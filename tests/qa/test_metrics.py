"""Official SQuAD v2 normalisation, exact match and F1."""

from __future__ import annotations

import pytest

from generator.qa.metrics import Totals, exact, f1, normalize_answer, score


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("The  Volga!", "volga"),
        ("an apple, a pear and THE plum", "apple pear and plum"),
        ("Jean-François", "jeanfrançois"),
        ("theory of the atom", "theory of atom"),  # "the" only as a whole word
        ("  ", ""),
    ],
)
def test_normalisation(text: str, normal: str) -> None:
    assert normalize_answer(text) == normal


def test_exact_and_f1() -> None:
    assert exact("the British Museum", "British Museum.") == 1
    assert f1("the British Museum in London", "British Museum") == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert f1("1799", "1822") == 0.0


def test_unanswerable_scores_one_only_for_an_abstention() -> None:
    assert score((), "") == (1, 1.0)
    assert score((), "1799") == (0, 0.0)
    # An expected answer that normalises to nothing counts as "no answer" (official script).
    assert score(("the",), "") == (1, 1.0)


def test_best_of_several_expected_answers() -> None:
    assert score(("the Volga", "Volga river"), "Volga") == (1, 1.0)
    em, f = score(("about 2,850 kilometres",), "2,850 kilometres")
    assert em == 0 and f == pytest.approx(0.8)


def test_totals_split_has_answer_and_no_answer() -> None:
    totals = Totals.of([(True, 1, 1.0), (True, 0, 0.5), (False, 1, 1.0)])
    assert totals.all.count == 3 and totals.all.exact == pytest.approx(2 / 3)
    assert totals.has_answer.f1 == pytest.approx(0.75)
    assert totals.no_answer.exact == 1.0
    empty = Totals.of([(True, 1, 1.0)]).no_answer
    assert (empty.count, empty.exact, empty.f1) == (0, None, None)
