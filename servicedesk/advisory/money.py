"""Money in BRL: Decimal only, two places, half-up (domain.md §8). Pure: no Django.

`brl` is the one quantize helper; every amount the advisory stores, prints or exports goes
through it. A float is refused: 0.1 + 0.2 is not 0.3 in binary, and centavos must add up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    """Not an amount of money (a float, a NaN, an infinite or unparsable value)."""


def to_decimal(value: Decimal | int | str) -> Decimal:
    """A finite Decimal from a Decimal, an int or a decimal string ("1234.50" or "1234,50")."""
    if isinstance(value, (bool, float)):
        raise MoneyError("money is never a float")
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if "," in text:  # pt-BR: "1.234,50"
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not a decimal number: {value!r}") from exc
    elif isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise MoneyError(f"not a finite decimal: {value!r}")
    return value


def brl(value: Decimal | int | str) -> Decimal:
    """`value` rounded half-up to the centavo."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def minutes_amount(minutes: int, hourly_price: Decimal) -> Decimal:
    """minutes ÷ 60 × hourly price, rounded half-up to the centavo (the multiplication first, so
    the only rounding is the last one)."""
    return brl(Decimal(minutes) * to_decimal(hourly_price) / Decimal(60))


def decimal_string(amount: Decimal) -> str:
    """The API's form: "1234.50" (a point, no thousands separator, always two places)."""
    return f"{brl(amount):f}"


def decimal_comma(amount: Decimal) -> str:
    """Brazilian spreadsheets' form: "1234,50"."""
    return decimal_string(amount).replace(".", ",")


def format_brl(amount: Decimal) -> str:
    """What people read: "R$ 1.234,50" (a negative amount as "-R$ 12,00")."""
    value = brl(amount)
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):f}".split(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return f"{sign}R$ {'.'.join(groups)},{cents}"


def format_minutes(minutes: int) -> str:
    """9 h 05 min, 45 min, 8 h."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
