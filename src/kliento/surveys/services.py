"""Creating surveys and prize draws, answering them, and the results staff may see.

Only the marketing role creates surveys and reads results. A person answers once, only
while the survey is open and only with active consent for its purpose; answers are
sealed under the person's own data key and bound to (person, survey). Bad input raises
``DomainError`` before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.roles import StaffRole
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.models import ConsentEvent
from kliento.consent.selectors import has_consent
from kliento.register import catalogue
from kliento.register.models import DataKey, Subject
from kliento.surveys.models import Question, Response, Survey, Tally

LANGUAGES = ("fi", "sv", "en")
MAX_TEXT_ANSWER = 2000
MAX_QUESTIONS = 20
SCALE = range(1, 6)
ANSWERS_ITEM = "survey_answers"
ENTRIES_ITEM = "prize_draw_entries"


def require_marketing(actor: Actor) -> Actor:
    """Only staff acting in the marketing role run surveys and draws."""
    require_actor(actor)
    if actor.kind != ActorKind.STAFF or actor.role != StaffRole.MARKETING:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, _("Only the marketing role runs surveys and draws.")
        )
    return actor


def item_of(survey: Survey) -> str:
    """The catalogue item a response to ``survey`` is (answers or draw entries)."""
    return ENTRIES_ITEM if survey.kind == Survey.Kind.DRAW else ANSWERS_ITEM


# --- creating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    texts: dict[str, str]
    options: list[dict[str, str]] = field(default_factory=list)


def _invalid(message: str, **details: Any) -> DomainError:
    return DomainError(ErrorCode.VALUE_INVALID, message, details=details)


def _check_languages(texts: dict[str, str], what: str) -> None:
    missing = [lang for lang in LANGUAGES if not (texts.get(lang) or "").strip()]
    if missing:
        raise _invalid(
            _("Write this in Finnish, Swedish and English."), field=what, missing=missing
        )


def _check_question(position: int, draft: QuestionDraft) -> None:
    if draft.kind not in Question.Kind.values:
        raise _invalid(_("Unknown question type."), question=position, kind=draft.kind)
    _check_languages(draft.texts, f"question {position}")
    choice = draft.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
    if choice and len(draft.options) < 2:
        raise _invalid(_("A choice question needs at least two options."), question=position)
    if not choice and draft.options:
        raise _invalid(_("Only choice questions have options."), question=position)
    for option in draft.options:
        _check_languages(option, f"question {position} options")


@transaction.atomic
def survey_create(
    *,
    kind: str,
    titles: dict[str, str],
    intros: dict[str, str],
    starts_on: date,
    ends_on: date,
    questions: list[QuestionDraft],
    actor: Actor,
    winners_count: int = 0,
) -> Survey:
    """Create a survey or a prize draw with its questions (and a zero tally per answer)."""
    require_marketing(actor)
    if kind not in Survey.Kind.values:
        raise _invalid(_("Choose a survey or a prize draw."), kind=kind)
    _check_languages(titles, "title")
    _check_languages(intros, "intro")
    if ends_on < starts_on:
        raise _invalid(_("The end date must not be before the start date."), ends_on=str(ends_on))
    if kind == Survey.Kind.DRAW and winners_count < 1:
        raise _invalid(_("A prize draw needs at least one winner."), winners_count=winners_count)
    if kind == Survey.Kind.SURVEY:
        winners_count = 0
    if not questions:
        raise _invalid(_("Add at least one question."), questions=0)
    if len(questions) > MAX_QUESTIONS:
        raise _invalid(_("Too many questions."), questions=len(questions), max=MAX_QUESTIONS)
    for position, draft in enumerate(questions, start=1):
        _check_question(position, draft)
    survey = Survey.objects.create(
        kind=kind,
        **{f"title_{lang}": titles[lang].strip() for lang in LANGUAGES},
        **{f"intro_{lang}": intros[lang].strip() for lang in LANGUAGES},
        starts_on=starts_on,
        ends_on=ends_on,
        winners_count=winners_count,
    )
    for position, draft in enumerate(questions, start=1):
        question = Question.objects.create(
            survey=survey,
            position=position,
            kind=draft.kind,
            **{f"text_{lang}": draft.texts[lang].strip() for lang in LANGUAGES},
            options=[{lang: o[lang].strip() for lang in LANGUAGES} for o in draft.options],
        )
        Tally.objects.bulk_create(
            Tally(question=question, option=index) for index in range(_option_count(question))
        )
    audit_record(
        actor=actor,
        action=AuditAction.SURVEY_CREATE,
        purpose=survey.consent_purpose,
        context={"survey": str(survey.public_id), "kind": kind, "questions": len(questions)},
    )
    return survey


def _option_count(question: Question) -> int:
    if question.kind == Question.Kind.TEXT:
        return 1  # option 0 counts the people who answered
    if question.kind == Question.Kind.SCALE:
        return len(SCALE)
    return len(question.options)


# --- answering -----------------------------------------------------------------------------


def _data_key(subject: Subject) -> bytes:
    try:
        key = DataKey.objects.get(subject=subject)
    except DataKey.DoesNotExist:
        raise DomainError(ErrorCode.NOT_FOUND, _("This person's data has been erased.")) from None
    return crypto.unwrap_data_key(
        bytes(key.wrapped_key), owner=str(subject.public_id), kek_id=key.kek_id
    )


def _aad(subject: Subject, survey: Survey) -> bytes:
    return f"survey:{subject.public_id}:{survey.public_id}".encode()


def _clean_answer(question: Question, raw: Any) -> Any:
    """The answer in its stored form, or a validation error naming the question."""
    where = {"question": question.position}
    if question.kind == Question.Kind.TEXT:
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            raise _invalid(_("Answer every question."), **where)
        if len(text) > MAX_TEXT_ANSWER:
            raise _invalid(_("The answer is too long."), max=MAX_TEXT_ANSWER, **where)
        return text
    if question.kind == Question.Kind.MULTIPLE:
        picked = raw if isinstance(raw, list | tuple) else []
        indexes = sorted({_index(question, value) for value in picked})
        if not indexes:
            raise _invalid(_("Answer every question."), **where)
        return indexes
    if question.kind == Question.Kind.SCALE:
        value = _integer(raw)
        if value not in SCALE:
            raise _invalid(_("Choose a value from 1 to 5."), **where)
        return value
    return _index(question, raw)


def _integer(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _index(question: Question, raw: Any) -> int:
    index = _integer(raw)
    if index is None or not 0 <= index < len(question.options):
        raise _invalid(_("Choose one of the options."), question=question.position)
    return index


def _tally_options(question: Question, answer: Any) -> list[int]:
    if question.kind == Question.Kind.TEXT:
        return [0]
    if question.kind == Question.Kind.SCALE:
        return [int(answer) - 1]
    if question.kind == Question.Kind.MULTIPLE:
        return list(answer)
    return [int(answer)]


def eligibility_problem(
    *, survey: Survey, subject: Subject, today: date, consented: bool | None = None
) -> str | None:
    """Why ``subject`` may not answer ``survey`` today, or None when they may.
    ``consented`` is the person's current consent for the survey's purpose when the
    caller already knows it (a list checks each purpose once, not once per survey)."""
    if survey.starts_on > today:
        return _("This survey has not opened yet.")
    if survey.ends_on < today:
        return _("This survey has closed.")
    if consented is None:
        consented = has_consent(subject=subject, purpose=survey.consent_purpose)
    if not consented:
        if survey.kind == Survey.Kind.DRAW:
            return _("Prize draws are only for people who have consented to prize draws.")
        return _("Surveys are only for people who have consented to opinion and market surveys.")
    return None


@transaction.atomic
def response_submit(
    *, survey: Survey, subject: Subject, answers: dict[int, Any], actor: Actor
) -> Response:
    """Store the person's answers (keyed by question position), once per survey."""
    require_actor(actor)
    if not (subject.user is not None and actor.is_user(subject.user)):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only the person answers for themself."))
    problem = eligibility_problem(survey=survey, subject=subject, today=timezone.localdate())
    if problem is not None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, problem, details={"survey": "not_open"})
    if Response.objects.filter(survey=survey, subject=subject).exists():
        raise _already_answered()
    questions = list(survey.questions.all())
    cleaned = {q.position: _clean_answer(q, answers.get(q.position)) for q in questions}
    payload = json.dumps({str(k): v for k, v in cleaned.items()}, ensure_ascii=False).encode()
    sealed = crypto.seal(_data_key(subject), payload, _aad(subject, survey))
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, subject=subject, ciphertext=sealed)
    except IntegrityError:
        raise _already_answered() from None
    for question in questions:
        Tally.objects.filter(
            question=question, option__in=_tally_options(question, cleaned[question.position])
        ).update(count=F("count") + 1)
    audit_record(
        actor=actor,
        action=AuditAction.SURVEY_ANSWER,
        subject_id=subject.public_id,
        items=[item_of(survey)],
        purpose=survey.consent_purpose,
        context={"survey": str(survey.public_id)},
    )
    return response


def _already_answered() -> DomainError:
    return DomainError(ErrorCode.ALREADY_ANSWERED, _("You have already answered this survey."))


@dataclass(frozen=True)
class OwnAnswer:
    question: Question
    display: str


def response_read_own(*, survey: Survey, subject: Subject, actor: Actor) -> list[OwnAnswer]:
    """The person's own answers, decrypted for them ([] when they have not answered)."""
    require_actor(actor)
    if not (subject.user is not None and actor.is_user(subject.user)):
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    response = Response.objects.filter(survey=survey, subject=subject).first()
    if response is None:
        return []
    return response_answers(response=response, subject=subject, key=_data_key(subject))


def response_answers(*, response: Response, subject: Subject, key: bytes) -> list[OwnAnswer]:
    """Decrypt one response of ``subject`` with their data key ``key`` (for the person's
    own pages and their export only: no one else reads answers)."""
    survey = response.survey
    stored = json.loads(crypto.open_sealed(key, bytes(response.ciphertext), _aad(subject, survey)))
    return [
        OwnAnswer(question, _display(question, stored.get(str(question.position))))
        for question in survey.questions.all()
    ]


def data_key_of(subject: Subject) -> bytes | None:
    """The subject's data key, or None once it has been destroyed."""
    try:
        return _data_key(subject)
    except DomainError:
        return None


def _display(question: Question, value: Any) -> str:
    if value is None:
        return ""
    if question.kind in (Question.Kind.TEXT, Question.Kind.SCALE):
        return str(value)
    labels = question.option_labels()
    picked = value if isinstance(value, list) else [value]
    return ", ".join(labels[i] for i in picked if 0 <= i < len(labels))


# --- retention -------------------------------------------------------------------------------


def responses_withdrawn() -> QuerySet[Response]:
    """Answers and entries of people whose newest consent event for the purpose withdrew
    it (or let it expire): consent was their only basis. A notice change that merely asks
    again is not a withdrawal and deletes nothing."""
    ended = (ConsentEvent.Action.WITHDRAWN, ConsentEvent.Action.EXPIRED)
    matches = Q()
    for kind in Survey.Kind.values:
        purpose = Survey(kind=kind).consent_purpose
        newest = (
            ConsentEvent.objects.filter(subject=OuterRef("subject"), purpose=purpose)
            .order_by("-at", "-id")
            .values("action")[:1]
        )
        of_kind = (
            Response.objects.filter(survey__kind=kind)
            .alias(newest=Subquery(newest))
            .filter(newest__in=ended)
        )
        matches |= Q(pk__in=of_kind.values("pk"))
    return Response.objects.filter(matches)


def responses_expired(today: date) -> QuerySet[Response]:
    """Answers and entries past their retention on ``today``: "until you withdraw this
    consent" (:func:`responses_withdrawn`), and at the latest the catalogue period: survey
    answers counted from the survey's end, draw entries from the draw (or the end if
    never drawn). Shaped for the retention table (dsr/retention.py): rows to delete."""
    expired = responses_withdrawn()
    for kind, item_key in ((Survey.Kind.SURVEY, ANSWERS_ITEM), (Survey.Kind.DRAW, ENTRIES_ITEM)):
        period = catalogue.BY_KEY[item_key].retention.period
        if period is None:
            continue
        cutoff = today - period
        of_kind = Response.objects.filter(survey__kind=kind, survey__ends_on__lt=cutoff)
        if kind == Survey.Kind.DRAW:
            of_kind = of_kind.exclude(survey__draw__drawn_at__date__gte=cutoff)
        expired = expired | of_kind
    return expired


@transaction.atomic
def responses_purge_expired(*, today: date, actor: Actor) -> int:
    """Delete the answers and entries :func:`responses_expired` finds, with one audit
    entry naming how many."""
    require_actor(actor)
    pks = list(responses_expired(today).values_list("pk", flat=True))
    deleted, _counts = Response.objects.filter(pk__in=pks).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.SURVEY_PURGE,
            items=[ANSWERS_ITEM, ENTRIES_ITEM],
            context={"responses": deleted},
        )
    return deleted


# --- results (counts only) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    bars: list[Bar]
    answered: int


def survey_results(*, survey: Survey, actor: Actor) -> tuple[int, list[QuestionResult]]:
    """The number of responses and, per question, how many chose each answer. Counts come
    from the tallies: no one's answers are decrypted or shown."""
    require_marketing(actor)
    responses = survey.responses.count()
    counts: dict[tuple[int, int], int] = {
        (t.question_id, t.option): t.count for t in Tally.objects.filter(question__survey=survey)
    }
    results = []
    for question in survey.questions.all():
        if question.kind == Question.Kind.TEXT:
            results.append(QuestionResult(question, [], counts.get((question.pk, 0), 0)))
            continue
        labels = question.option_labels()
        values = [counts.get((question.pk, index), 0) for index in range(len(labels))]
        top = max(values, default=0) or 1
        bars = [
            Bar(label, count, round(100 * count / top))
            for label, count in zip(labels, values, strict=True)
        ]
        results.append(QuestionResult(question, bars, responses))
    return responses, results
