"""Languages: Bahasa Indonesia by default, English at a click (`?lang=en` or the `lang` cookie).

Messages are gettext catalogs compiled by Babel (`locales/<lang>/LC_MESSAGES/messages.mo`, built from
the `.po` files next to them; `messages.pot` is extracted with `pybabel extract -F babel.cfg`). Amounts are
written the Indonesian way in both languages (Rp 1.500.000,00); dates in the reader's language.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from babel.support import Translations
from starlette.requests import Request

from ..errors import GovLedgerValueError

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALES = {"id": "id_ID", "en": "en_GB"}  # en_GB writes day month year, as Indonesians read dates
LANG_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locales"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def language_of(request: Request) -> str:
    """`?lang=` first (the click), then the cookie, else Indonesian."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> Translations:
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def rupiah(sen: int) -> str:
    """Sen as Rupiah the Indonesian way: `Rp 1.500.000,00`."""
    amount = Decimal(int(sen)) / 100
    return "Rp " + format_decimal(amount, format="#,##0.00", locale="id_ID")


def parse_rupiah(text: str, lang: str) -> int:
    """A typed amount in Rupiah as sen, read with the separators of the page's language (`1.500.000,50` in
    Indonesian, `1,500,000.50` in English); `Rp` and blanks are ignored."""
    cleaned = text.replace("Rp", "").replace(" ", "").replace("\u00a0", "").strip()
    if not cleaned:
        raise GovLedgerValueError("an amount is required")
    try:
        value = parse_decimal(cleaned, locale=LOCALES[lang], strict=True)
    except (NumberFormatError, InvalidOperation):
        raise GovLedgerValueError(f"{text!r} is not an amount in Rupiah") from None
    sen = value * 100
    if sen != sen.to_integral_value() or sen < 0:
        raise GovLedgerValueError(f"{text!r}: Rupiah have at most two decimals and are not negative")
    return int(sen)


def percent(bps: int, lang: str) -> str:
    """Basis points as a percentage with the language's decimal sign: 10 -> `0,10%` (`0.10%` in English)."""
    return format_decimal(Decimal(int(bps)) / 100, format="#,##0.00", locale=LOCALES[lang]) + "%"


def day(value: date | int | None, lang: str) -> str:
    """A date (or unix seconds) as `1 Desember 2026` / `1 December 2026`."""
    if value is None:
        return "–"
    if isinstance(value, int):
        value = datetime.fromtimestamp(value, tz=timezone.utc).date()
    return format_date(value, format="long", locale=LOCALES[lang])


def moment(ts: float | None, lang: str) -> str:
    """Unix seconds as date and time (UTC)."""
    if ts is None:
        return "–"
    return format_datetime(datetime.fromtimestamp(float(ts), tz=timezone.utc), format="medium",
                           locale=LOCALES[lang]) + " UTC"
