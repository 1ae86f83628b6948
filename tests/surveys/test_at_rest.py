"""Survey answers are personal data at rest: a dump of the whole database holds no
free-text answer in plaintext, and destroying the person's data key shreds them."""

from __future__ import annotations

import pytest

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import services as register
from kliento.surveys import services
from kliento.surveys.models import Response
from tests.conftest import make_user
from tests.register.test_at_rest import _found, dump
from tests.surveys.conftest import answers, give, make_survey

# pg_dump is another process: it sees only committed data.
pytestmark = pytest.mark.django_db(transaction=True)

SENTINEL = "Qzsurveysentinel the buns were stale"


@pytest.fixture
def marketing() -> Actor:
    """A transactional test flushes the role groups, so this actor is built directly."""
    return Actor.staff(make_user("marketing.rest@kliento.example"), "marketing")


def test_no_answer_is_in_the_database_dump(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    me = Actor.person(cardholder)
    services.response_submit(survey=survey, subject=subject, answers=answers(SENTINEL), actor=me)

    content = dump()

    assert _found(content, "Coffee survey fi"), "the dump must hold the survey itself"
    assert not _found(content, "Qzsurveysentinel")
    assert Response.objects.filter(subject=subject).count() == 1
    assert services.response_read_own(survey=survey, subject=subject, actor=me)[-1].display == (
        SENTINEL
    )


def test_destroying_the_data_key_shreds_the_answers(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    me = Actor.person(cardholder)
    services.response_submit(survey=survey, subject=subject, answers=answers(SENTINEL), actor=me)

    register.subject_key_destroy(subject=subject, actor=Actor.system("erasure"))

    with pytest.raises(DomainError) as raised:
        services.response_read_own(survey=survey, subject=subject, actor=me)
    assert raised.value.code == ErrorCode.NOT_FOUND


def test_a_ciphertext_moved_to_another_person_does_not_open(
    cardholder: User, other_cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    anna = give(cardholder, "surveys")
    bertil = give(other_cardholder, "surveys")
    for user, subject in ((cardholder, anna), (other_cardholder, bertil)):
        services.response_submit(
            survey=survey, subject=subject, answers=answers(), actor=Actor.person(user)
        )
    stolen = Response.objects.get(subject=anna).ciphertext
    Response.objects.filter(subject=bertil).update(ciphertext=stolen)

    with pytest.raises(DomainError):
        services.response_read_own(
            survey=survey, subject=bertil, actor=Actor.person(other_cardholder)
        )
