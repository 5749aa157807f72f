"""Reading what editors type for a vacancy figure, shared by the monthly screen and the CSV
import. The rules on the values themselves are the model's (``VacancyFigure``)."""

import datetime as dt
import re
import unicodedata

from django import forms

from .models import ForWhom, VacancyFigure

FOR_WHOM_BY_LABEL = {label: code for code, label in ForWhom.choices}


class VacancyValueError(ValueError):
    pass


def parse_vacancies(text):
    """'３' → 3, '' → None (未回答); anything but a whole number raises with a Japanese message."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().replace(",", "")
    if value in ("", VacancyFigure.UNANSWERED, "-"):
        return None
    if not re.fullmatch(r"\d{1,9}", value):
        raise VacancyValueError("空き人数は0以上の整数で入力してください(空欄は未回答)。")
    return int(value)


def parse_month(text):
    """'2026-11' (or '2026/11', full-width digits) → date(2026, 11, 1); None if not a month."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().replace("/", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


class VacancyRowForm(forms.Form):
    facility = forms.IntegerField(widget=forms.HiddenInput)
    service_type = forms.IntegerField(widget=forms.HiddenInput)
    vacancies = forms.CharField(
        label="空き人数",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
    )
    for_whom = forms.ChoiceField(label="対象", choices=ForWhom.choices, initial=ForWhom.ANY)
    trial_stay = forms.BooleanField(label="体験利用", required=False)
    note = forms.CharField(
        label="備考", required=False, widget=forms.TextInput(attrs={"maxlength": 200})
    )

    def clean_vacancies(self):
        try:
            return parse_vacancies(self.cleaned_data.get("vacancies"))
        except VacancyValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        for field, messages in VacancyFigure.entered_value_errors(cleaned).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages[0])
        return cleaned


VacancyRowFormSet = forms.formset_factory(VacancyRowForm, extra=0, max_num=5000, validate_max=True)
