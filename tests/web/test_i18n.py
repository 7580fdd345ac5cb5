"""The catalogs: every visible string extracted from the pages has a translation in Indonesian and English,
the committed .mo files say what the .po files say, and Rupiah and dates are written the Indonesian way."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from govledger.errors import GovLedgerValueError
from govledger.web import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "src/govledger/web/locales"


def msgids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The messages the sources hold now (as `pybabel extract` finds them)."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "N_", "--no-location", "--omit-header", "-o", str(out), str(ROOT / "src/govledger/web"),
                    str(ROOT / "src/govledger/notifications")],  # the notification kinds' titles
                   check=True, capture_output=True)
    return msgids(read_po(out.open("rb")))


def test_the_committed_template_holds_every_message_of_the_sources(extracted: set[str]) -> None:
    committed = msgids(read_po((LOCALES / "messages.pot").open("rb")))
    assert extracted - committed == set(), "run pybabel extract (see babel.cfg)"
    assert committed - extracted == set(), "messages no page shows any more: extract again"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_visible_string_lacks_a_translation(extracted: set[str], lang: str) -> None:
    catalog = read_po((LOCALES / lang / "LC_MESSAGES/messages.po").open("rb"))
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert extracted - translated == set()


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_compiled_catalog_agrees_with_its_po_file(lang: str) -> None:
    po = read_po((LOCALES / lang / "LC_MESSAGES/messages.po").open("rb"))
    mo = read_mo((LOCALES / lang / "LC_MESSAGES/messages.mo").open("rb"))
    assert {m.id: m.string for m in po if m.id and m.string} == {m.id: m.string for m in mo if m.id}


def test_indonesian_is_really_indonesian() -> None:
    assert i18n.gettext("id", "Sign in") == "Masuk"
    assert i18n.gettext("en", "Sign in") == "Sign in"
    assert i18n.gettext("id", "Milestone %(n)s") % {"n": 2} == "Termin 2"


def test_rupiah_and_dates_the_indonesian_way() -> None:
    assert i18n.rupiah(150_000_000) == "Rp 1.500.000,00"
    assert i18n.rupiah(5) == "Rp 0,05"
    assert i18n.day(date(2026, 12, 1), "id") == "1 Desember 2026"
    assert i18n.day(date(2026, 12, 1), "en") == "1 December 2026"
    assert i18n.percent(10, "id") == "0,10%" and i18n.percent(1000, "en") == "10.00%"


@pytest.mark.parametrize(("text", "lang", "sen"), [
    ("1.500.000", "id", 150_000_000), ("Rp 1.500.000,50", "id", 150_000_050), ("1,500,000.50", "en", 150_000_050),
    ("2400000000", "id", 240_000_000_000),
])
def test_typed_amounts_read_with_the_pages_separators(text: str, lang: str, sen: int) -> None:
    assert i18n.parse_rupiah(text, lang) == sen


@pytest.mark.parametrize("text", ["", "satu juta", "1.000,005", "-5"])
def test_a_typed_amount_that_is_not_rupiah_is_one_clear_error(text: str) -> None:
    with pytest.raises(GovLedgerValueError):
        i18n.parse_rupiah(text, "id")
