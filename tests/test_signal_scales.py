"""Signal scales in site.yaml: units, valid ranges and fixed mappings; values and dates checked."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from generator.config import SignalDef
from generator.errors import ContentErrors
from generator.site import load_site
from tests.conftest import BASIC, MakeSite, minimal


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def problems_of(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_site(content)
    return [p.format() for p in info.value.problems]


def signal(scale: str, **kw: float) -> SignalDef:
    low, high = kw.get("low", 0.0), kw.get("high", 100.0)
    return SignalDef(
        id="s",
        dimension="quality",
        label="S",
        scale=scale,
        unit="%",
        low=low,
        high=high,
        zero_at=kw.get("zero_at", low),
        full_at=kw.get("full_at", high),
        description=None,
        kinds=None,
    )


def test_linear_maps_the_reference_points_and_clamps() -> None:
    f1 = signal("linear")
    assert [f1.points(v) for v in (0, 78.8, 100)] == [0, pytest.approx(78.8), 100]
    formats = signal("linear", high=20, full_at=4)
    assert [formats.points(v) for v in (0, 1, 3, 4, 12)] == [0, 25, 75, 100, 100]


def test_log_maps_orders_of_magnitude_between_reference_points() -> None:
    downloads = signal("log", high=1e10, zero_at=10, full_at=10_000_000)
    assert downloads.points(0) == 0 and downloads.points(10) == 0
    assert downloads.points(10_000) == pytest.approx(50)  # 3 of 6 orders of magnitude
    assert downloads.points(10_000_000) == 100 and downloads.points(1e9) == 100


def test_binary_is_no_or_yes() -> None:
    flag = signal("binary", high=1)
    assert (flag.points(0), flag.points(1)) == (0, 100)
    assert flag.with_unit(1) == "yes" and flag.mapping_text == "no → 0, yes → 100"


def test_texts_for_pages_and_messages() -> None:
    assert signal("linear").range_text == "0% to 100%"
    assert signal("linear").with_unit(78.8) == "78.8%"
    downloads = signal("log", high=1e10, zero_at=10, full_at=10_000_000)
    assert downloads.mapping_text == "log10: 10 or less → 0, 10,000,000 or more → 100"
    assert signal("linear").mapping_text == "linear: 0 → 0, 100 → 100"
    formats = signal("linear", high=20, full_at=4)
    formats = dataclasses.replace(formats, unit="formats")
    assert formats.range_text == "0 to 20 formats"
    assert formats.mapping_text == "linear: 0 → 0, 4 or more → 100"


def test_values_outside_the_valid_range_are_content_errors(make_site: MakeSite) -> None:
    content = make_site(
        {
            "m": minimal("M")
            + "signals:\n"
            + "  f1: {value: 150, source: s}\n"
            + "  downloads: {value: 1.0e+308, source: s}\n"
            + "  formats: {value: -1, source: s}\n"
        }
    )
    record = os.path.relpath(content / "artifacts" / "m.yaml")
    assert problems_of(content) == [
        f"{record}:11:15: signals.f1.value: 150 is outside the valid range of F1: 0% to 100%",
        f"{record}:12:22: signals.downloads.value: 1e+308 is outside the valid range of "
        "Downloads: 0 to 1,000,000,000 downloads",
        f"{record}:13:20: signals.formats.value: -1 is outside the valid range of Formats: "
        "0 to 20 formats",
    ]


def test_as_of_must_be_an_iso_date(make_site: MakeSite) -> None:
    content = make_site(
        {
            "m": minimal("M")
            + "signals:\n"
            + "  f1: {value: 80, source: s, as_of: last week}\n"
            + "  downloads: {value: 5, source: s, as_of: '2024-02-30'}\n"
            + "  formats: {value: 2, source: s, as_of: 2024-05-01 10:00:00}\n"
        }
    )
    record = os.path.relpath(content / "artifacts" / "m.yaml")
    assert problems_of(content) == [
        f"{record}:11:37: signals.f1.as_of: 'last week' is not a date written YYYY-MM-DD",
        f"{record}:12:43: signals.downloads.as_of: '2024-02-30' is not a date written YYYY-MM-DD",
        f"{record}:13:41: signals.formats.as_of: '2024-05-01 10:00:00' is not a date written "
        "YYYY-MM-DD",
    ]


def test_as_of_dates_are_kept(make_site: MakeSite) -> None:
    content = make_site(
        {
            "m": minimal("M")
            + "signals:\n  f1: {value: 80, source: s, as_of: 2024-05-01}\n"
            + "  downloads: {value: 5, source: s, as_of: '2024-06-01'}\n"
        }
    )
    signals = load_site(content).by_slug("m").signals
    assert (signals["f1"].as_of, signals["downloads"].as_of) == ("2024-05-01", "2024-06-01")


def site_with(signals: str) -> str:
    text = (BASIC / "site.yaml").read_text()
    start, end = text.index("signals:"), text.index("matching:")
    return text[:start] + "signals:\n" + signals + text[end:]


def test_signal_definitions_declare_unit_range_and_mapping(make_site: MakeSite) -> None:
    content = make_site(
        {"m": minimal("M")},
        site_with(
            "  a: {dimension: quality, label: A, scale: linear}\n"
            "  b: {dimension: quality, label: B, unit: x, range: [0, 10], scale: log}\n"
            "  c: {dimension: quality, label: C, unit: x, range: [5, 1], scale: linear}\n"
            "  d: {dimension: quality, label: D, unit: x, range: [0, 9], scale: linear,"
            " zero_at: 5, full_at: 5}\n"
            "  e: {dimension: quality, label: E, scale: binary, range: [0, 1]}\n"
            "  f: {dimension: quality, label: F, unit: x, range: [0, 9], scale: cubic}\n"
            "  g: {dimension: quality, label: G, unit: x, range: [0, 9], scale: log,"
            " zero_at: 0, full_at: 9}\n"
        ),
    )
    site_yaml = os.path.relpath(content / "site.yaml")
    assert problems_of(content) == [
        f"{site_yaml}:10:6: signals.a.range: field required",
        f"{site_yaml}:10:6: signals.a.unit: field required",
        f"{site_yaml}:11:6: signals.b.full_at: field required (a log scale needs its "
        "reference points)",
        f"{site_yaml}:11:6: signals.b.zero_at: field required (a log scale needs its "
        "reference points)",
        f"{site_yaml}:12:53: signals.c.range: expected [lowest, highest], two finite numbers, "
        "lowest first",
        f"{site_yaml}:13:97: signals.d.full_at: must be above zero_at (higher values score higher)",
        f"{site_yaml}:14:52: signals.e.range: unknown field",
        f"{site_yaml}:15:68: signals.f.scale: 'cubic' is not one of linear, log, binary",
        f"{site_yaml}:16:82: signals.g.zero_at: a log scale's reference points are above 0",
    ]
