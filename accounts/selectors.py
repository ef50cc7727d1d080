import re

from accounts.models import Neighbourhood, Postcode

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


def postcode_parse(value: str) -> tuple[str, str] | None:
    """'1234 ab' -> ('1234', 'AB'); None when it is not a Dutch postcode."""
    match = POSTCODE_RE.match(value or "")
    if not match:
        return None
    return match.group(1), (match.group(2) or "").upper()


def neighbourhood_for_postcode(value: str) -> Neighbourhood | None:
    """The neighbourhood that covers a postcode: an entry with letters wins over the PC4 area."""
    parsed = postcode_parse(value)
    if parsed is None:
        return None
    digits, letters = parsed
    candidates = Postcode.objects.filter(digits=digits, letters__in={letters, ""}).select_related("neighbourhood")
    best = max(candidates, key=lambda postcode: len(postcode.letters), default=None)
    return best.neighbourhood if best else None
