"""The admin's login form (settings.WAGTAILADMIN_USER_LOGIN_FORM).

Wagtail's form declares its password field without a label, so Django names it
after the field (「Password」); this one says パスワード like the rest of the screen.
"""

from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "パスワード"
