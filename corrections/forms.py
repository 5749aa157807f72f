import re
import unicodedata

from django import forms

from home.text import clean_form_data, clean_text

from .models import MAX_CONTACT, MAX_MESSAGE

# A tag as a browser would read it (<a …>, </p>, <!-- …>); "定員<10人" is ordinary text.
_TAG = re.compile(r"<\s*[/!?]?\s*[A-Za-z][^<>]*>|<!--")

NO_HTML = "HTML のタグ(<…>)は使えません。文章だけで書いてください。"


def _is_blank(value):
    """Nothing but spaces (半角・全角), line breaks and invisible characters."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs") for ch in value)


class CorrectionRequestForm(forms.Form):
    message = forms.CharField(
        label="修正してほしい内容",
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"どの項目が、どう違っているかを書いてください({MAX_MESSAGE:,}文字まで)。",
        error_messages={
            "required": "修正してほしい内容を書いてください。",
            "max_length": (
                f"修正してほしい内容は{MAX_MESSAGE:,}文字までで書いてください"
                "(いまは%(show_value)s文字です)。"
            ),
        },
    )
    contact = forms.CharField(
        label="連絡先(任意)",
        max_length=MAX_CONTACT,
        required=False,
        help_text="内容について確かめたいときに連絡する、お名前と電話番号やメールアドレスなど。",
        error_messages={
            "max_length": (
                f"連絡先は{MAX_CONTACT}文字までで書いてください(いまは%(show_value)s文字です)。"
            ),
        },
    )
    # Left empty by people; filled by form-filling robots.
    website = forms.CharField(label="ウェブサイト(入力しないでください)", required=False)

    def __init__(self, data=None, *args, **kwargs):
        # Control characters (a pasted NUL) are removed, not refused.
        super().__init__(clean_form_data(data), *args, **kwargs)

    def clean_message(self):
        value = clean_text(self.cleaned_data["message"], multiline=True).strip()
        if _is_blank(value):
            raise forms.ValidationError(self.fields["message"].error_messages["required"])
        if _TAG.search(value):
            raise forms.ValidationError(NO_HTML)
        return value

    def clean_contact(self):
        value = clean_text(self.cleaned_data["contact"], multiline=False).strip()
        if _is_blank(value):
            return ""
        if _TAG.search(value):
            raise forms.ValidationError(NO_HTML)
        return value

    def is_robot(self):
        return bool(self.data.get("website"))
