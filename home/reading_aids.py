"""Reading aids (文字サイズ・背景色・ふりがな): the visitor's choices, kept in cookies.

Each choice is a cookie of its own, set by ``home.views.reading_aids_view``
(``/aids/?text_size=large&next=/path/``) and read on every request by the
context processor ``home.context_processors.reading_aids``, which gives the
``<html>`` element its classes (``text-large bg-black ruby``; none for the defaults). A page's URL
with ``?ruby=1`` (or ``?ruby=0``) gives the ruby version whatever the cookie
says, so it can be linked. An unknown value, in a cookie or in the URL, is
ignored: the default applies.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

COOKIE_MAX_AGE = 365 * 24 * 60 * 60

# cookie name: ((value, label), ...); the first is the default.
CHOICES = {
    "text_size": (("standard", "標準"), ("large", "大"), ("xlarge", "特大")),
    "bg_color": (("white", "白"), ("black", "黒"), ("blue", "青")),
    "ruby": (("0", "なし"), ("1", "あり")),
}
GROUP_LABELS = {"text_size": "文字サイズ", "bg_color": "背景色", "ruby": "ふりがな"}
# Order of the groups in the bar (ふりがな: あり before なし reads more naturally).
BAR_ORDER = {"text_size": (0, 1, 2), "bg_color": (0, 1, 2), "ruby": (1, 0)}

URL_PARAMETERS = ("ruby",)


def valid(name, value):
    return any(value == v for v, _ in CHOICES[name])


def default(name):
    return CHOICES[name][0][0]


@dataclass(frozen=True)
class ReadingAids:
    text_size: str = "standard"
    bg_color: str = "white"
    ruby: bool = False

    @classmethod
    def from_request(cls, request):
        values = {}
        for name in CHOICES:
            value = request.COOKIES.get(name, "")
            values[name] = value if valid(name, value) else default(name)
        param = request.GET.get("ruby", "")
        if valid("ruby", param):
            values["ruby"] = param
        return cls(values["text_size"], values["bg_color"], values["ruby"] == "1")

    def value(self, name):
        if name == "ruby":
            return "1" if self.ruby else "0"
        return getattr(self, name)

    @property
    def html_class(self):
        """Classes of ``<html>`` for the choices that are not the default ("" for none)."""
        classes = []
        if self.text_size != default("text_size"):
            classes.append(f"text-{self.text_size}")
        if self.bg_color != default("bg_color"):
            classes.append(f"bg-{self.bg_color}")
        if self.ruby:
            classes.append("ruby")
        return " ".join(classes)


def return_path(request):
    """The page to come back to after a choice: this page, without ``?ruby=``
    (the choice made in the bar must win over the URL's)."""
    query = request.GET.copy() if request.GET else QueryDict(mutable=True)
    for name in URL_PARAMETERS:
        query.pop(name, None)
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


def bar(request, aids):
    """The groups of the reading-aids bar: label and options (label, URL, current)."""
    from django.urls import reverse

    url = reverse("reading_aids")
    back = return_path(request)
    groups = []
    for name, order in BAR_ORDER.items():
        current = aids.value(name)
        options = []
        for index in order:
            value, label = CHOICES[name][index]
            options.append(
                {
                    "label": label,
                    "url": f"{url}?{urlencode({name: value, 'next': back})}",
                    "current": value == current,
                }
            )
        groups.append({"name": name, "label": GROUP_LABELS[name], "options": options})
    return groups
