"""Validators shared by every form and serializer."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MARKUP = re.compile(r"[<>]|javascript:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_plain_name(value: str) -> None:
    """Names are plain text: no markup, no control characters, not blank."""
    if value is None:
        return
    if _MARKUP.search(value):
        raise ValidationError(_("Names cannot contain markup such as < > or javascript: links."), code="markup")
    if _CONTROL.search(value):
        raise ValidationError(_("Names cannot contain control characters."), code="control")
    if value and not value.strip():
        raise ValidationError(_("This name is blank."), code="blank")


def validate_no_control(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError(_("Text cannot contain control characters."), code="control")
