"""The demo survey and draw: created once, valid in every language, open today."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kliento.accounts.roles import StaffRole
from kliento.surveys.demo_data import demo_surveys
from kliento.surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_demo_surveys_are_created_once_and_open(staff_user: Any) -> None:
    marketing = staff_user(StaffRole.MARKETING)
    demo_surveys(marketing=marketing)
    demo_surveys(marketing=marketing)

    surveys = list(Survey.objects.order_by("kind"))
    assert [s.kind for s in surveys] == ["draw", "survey"]
    assert all(s.is_open_on(timezone.localdate()) for s in surveys)
