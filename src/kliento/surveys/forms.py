"""Forms: the marketing role's survey editor and the person's answer form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.surveys.models import Question, Survey
from kliento.surveys.services import LANGUAGES, MAX_TEXT_ANSWER, QuestionDraft

LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}
QUESTION_SLOTS = 5


class SurveyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Survey.Kind.choices, widget=forms.RadioSelect)
    title_fi = forms.CharField(label=_("Title in Finnish"), max_length=200)
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200)
    intro_fi = forms.CharField(
        label=_("Introduction in Finnish"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    intro_sv = forms.CharField(
        label=_("Introduction in Swedish"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    intro_en = forms.CharField(
        label=_("Introduction in English"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Closes on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day people can answer. A prize draw is run after this day."),
    )
    winners_count = forms.IntegerField(
        label=_("Number of winners"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("Prize draws only: at least one."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must not be before the start date."))
        if data.get("kind") == Survey.Kind.DRAW and (data.get("winners_count") or 0) < 1:
            self.add_error("winners_count", _("A prize draw needs at least one winner."))
        return data


def _option_line(line: str) -> dict[str, str] | None:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) != len(LANGUAGES) or not all(parts):
        return None
    return dict(zip(LANGUAGES, parts, strict=True))


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Question type"), choices=[("", "—"), *Question.Kind.choices], required=False
    )
    text_fi = forms.CharField(label=_("Question in Finnish"), max_length=300, required=False)
    text_sv = forms.CharField(label=_("Question in Swedish"), max_length=300, required=False)
    text_en = forms.CharField(label=_("Question in English"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Choice questions only: one option a line, as Finnish | Swedish | English."),
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get(name) or "").strip() for name in self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in self.fields):
            return data
        kind = data.get("kind")
        if not kind:
            self.add_error("kind", _("Choose the question type."))
        for lang in LANGUAGES:
            if not (data.get(f"text_{lang}") or "").strip():
                self.add_error(f"text_{lang}", _("Write the question in this language."))
        lines = [line for line in (data.get("options") or "").splitlines() if line.strip()]
        options = [_option_line(line) for line in lines]
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if any(option is None for option in options):
                self.add_error("options", _("Write each option as Finnish | Swedish | English."))
            elif len(options) < 2:
                self.add_error("options", _("A choice question needs at least two options."))
        elif lines:
            self.add_error("options", _("Only choice questions have options."))
        data["parsed_options"] = [option for option in options if option is not None]
        return data

    def draft(self) -> QuestionDraft:
        data = self.cleaned_data
        return QuestionDraft(
            kind=data["kind"],
            texts={lang: data[f"text_{lang}"] for lang in LANGUAGES},
            options=data["parsed_options"],
        )


class BaseQuestionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if all(form.is_blank() for form in self.forms):
            raise forms.ValidationError(_("Add at least one question."))

    def drafts(self) -> list[QuestionDraft]:
        return [form.draft() for form in self.forms if not form.is_blank()]


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=QUESTION_SLOTS, max_num=QUESTION_SLOTS
)


class AnswerForm(forms.Form):
    """One field per question, named ``q<position>``; every question needs an answer."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.position}"] = _answer_field(question)

    def answers(self) -> dict[int, Any]:
        return {q.position: self.cleaned_data[f"q{q.position}"] for q in self.questions}


def _answer_field(question: Question) -> forms.Field:
    label = question.text
    choices = list(enumerate(question.option_labels()))
    if question.kind == Question.Kind.TEXT:
        return forms.CharField(
            label=label, max_length=MAX_TEXT_ANSWER, widget=forms.Textarea(attrs={"rows": 3})
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            label=label, choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple
        )
    if question.kind == Question.Kind.SCALE:
        scale = [(n, str(n)) for n in range(1, 6)]
        return forms.TypedChoiceField(
            label=label,
            choices=scale,
            coerce=int,
            widget=forms.RadioSelect,
            help_text=_("1 = not at all, 5 = very much"),
        )
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, widget=forms.RadioSelect
    )
