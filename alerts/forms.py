from django import forms

from council.models import CommitteePage


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="メールアドレス",
        max_length=254,
        error_messages={
            "required": "メールアドレスを入力してください。",
            "invalid": "メールアドレスの形が正しくありません(例: name@example.jp)。",
            "max_length": "メールアドレスは254文字までで入力してください。",
        },
    )
    everything = forms.BooleanField(label="すべての新しい記録とお知らせ", required=False)
    committees = forms.ModelMultipleChoiceField(
        label="会議・部会の記録(会議の記録と活動報告)",
        queryset=CommitteePage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "選べない会議・部会が送られました。選び直してください。",
            "invalid_pk_value": "選べない会議・部会が送られました。選び直してください。",
            "invalid_list": "会議・部会の選び方が正しくありません。選び直してください。",
        },
    )
    news = forms.BooleanField(label="お知らせ", required=False)
    # Left empty by people; filled by form-filling robots.
    website = forms.CharField(label="ウェブサイト(入力しないでください)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committees"].queryset = CommitteePage.objects.live().public().order_by("path")
        self.fields["committees"].label_from_instance = lambda page: page.title

    def clean(self):
        data = super().clean()
        if not (data.get("everything") or data.get("committees") or data.get("news")):
            raise forms.ValidationError(
                "受け取りたいものを1つ以上選んでください。", code="nothing_chosen"
            )
        return data

    def is_robot(self):
        return bool(self.data.get("website"))
