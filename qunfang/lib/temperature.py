"""Body temperatures as thermometers read them: one decimal, within what a living person can show, and
the line above which it is a fever (37.3 °C, the line China's epidemic guidance draws). Shared by the
gates, the shops' staff checks and the bureau's own staff check-ins."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A body temperature a thermometer can read; anything else is a typing slip (50 for 35.0, 30 for 36.0).
LOWEST_TEMPERATURE, HIGHEST_TEMPERATURE = Decimal("34.0"), Decimal("43.0")
FEVER = Decimal("37.3")


def temperature_reading(value) -> Decimal | None:
    """A thermometer's reading to one decimal, or None when blank; an impossible one is refused."""
    if value in (None, ""):
        return None
    try:
        reading = Decimal(str(value))
        if not reading.is_finite():  # NaN cannot even be compared
            raise InvalidOperation
        reading = reading.quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError(_("The temperature is not a number.")) from None
    if not LOWEST_TEMPERATURE <= reading <= HIGHEST_TEMPERATURE:
        raise ValidationError(_("A temperature of %(value)s °C cannot be right.") % {"value": reading})
    return reading


def is_fever(reading: Decimal | None) -> bool:
    return reading is not None and reading >= FEVER
