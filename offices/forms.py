"""The secretariat's invitation form and the form that turns an invitation into an account."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator

from facilities.models import FacilityPage
from home.text import clean_form_data

MAX_FACILITIES = 50


class FacilityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="メールアドレス",
        max_length=254,
        error_messages={
            "required": "メールアドレスを入力してください。",
            "invalid": "メールアドレスの形が正しくありません。",
        },
    )
    facilities = FacilityChoiceField(
        label="担当する事業所",
        queryset=FacilityPage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "担当する事業所を1つ以上選んでください。",
            "invalid_choice": "選べない事業所が含まれています。一覧から選び直してください。",
            "invalid_pk_value": "選べない事業所が含まれています。一覧から選び直してください。",
            "invalid_list": "担当する事業所の値が正しくありません。",
        },
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(clean_form_data(data) if data is not None else None, *args, **kwargs)
        self.fields["facilities"].queryset = FacilityPage.objects.order_by("kana_sort", "pk").only(
            "pk", "title"
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "このメールアドレスのアカウントはすでにあります。別のアドレスを入力してください。"
            )
        return email

    def clean_facilities(self):
        facilities = self.cleaned_data["facilities"]
        if len(facilities) > MAX_FACILITIES:
            raise forms.ValidationError(f"1つの招待で選べる事業所は{MAX_FACILITIES}か所までです。")
        return facilities


class AcceptForm(forms.Form):
    full_name = forms.CharField(
        label="お名前",
        max_length=150,
        required=False,
        help_text="事務局と施設情報担当が、だれが更新したかを知るために表示します(例: 山田 花子)。",
    )
    username = forms.CharField(
        label="ユーザー名",
        max_length=150,
        help_text="半角の英数字と @ . + - _ で150文字まで。ログインのときに使います。",
        error_messages={"required": "ユーザー名を入力してください。"},
    )
    password1 = forms.CharField(
        label="パスワード",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "パスワードを入力してください。"},
    )
    password2 = forms.CharField(
        label="パスワード(確認のためもう一度)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "確認のため、同じパスワードをもう一度入力してください。"},
    )

    def __init__(self, data=None, *args, email="", **kwargs):
        super().__init__(clean_form_data(data) if data is not None else None, *args, **kwargs)
        self.email = email

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            UnicodeUsernameValidator()(username)
        except forms.ValidationError:
            raise forms.ValidationError(
                "ユーザー名には、英数字と @ . + - _ だけを使ってください。"
            ) from None
        if not username.isascii():
            raise forms.ValidationError("ユーザー名は半角の英数字などで入力してください。")
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                "このユーザー名はすでに使われています。別のユーザー名にしてください。"
            )
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "2つのパスワードが一致しません。")
        elif first:
            User = get_user_model()
            probe = User(username=cleaned.get("username") or "", email=self.email)
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
