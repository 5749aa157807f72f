"""Home page, general pages, site-wide settings and the Japanese search index."""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from . import routing
from .blocks import RICH_TEXT_FEATURES, StandardStreamBlock
from .content_checks import is_publishing, refuse_publishing
from .forms import inline_rows_problem, unreadable_fields
from .kana import has_kanji, is_kana, to_hiragana
from .listing import page_tree
from .privacy import is_public, view_restrictions
from .text import clean_form_data, clean_instance

# Feature apps add sections to the home page through this Wagtail hook, so that
# ``home`` needs no import of them: fn(request, home_page) -> dict with a
# "template" key (and the template's context), or None to show nothing.
HOME_PAGE_SECTIONS_HOOK = "home_page_sections"


# Publishing and expiry times the database can store in every time zone.
SCHEDULE_YEARS = (2000, 2100)


class BasePageForm(WagtailAdminPageForm):
    """Lets a page's ``clean()`` see where the page is going, before it is in the tree, and
    turns a post the editor's script could not have sent into form errors (home/forms.py).

    What the editor posted is cleaned of control characters first (``home.text``), so
    that a NUL pasted with a text is removed like the others rather than refused.
    """

    def __init__(self, data=None, files=None, *args, parent_page=None, **kwargs):
        self.unreadable = []
        if data is not None:
            data = clean_form_data(data)
            self.unreadable = unreadable_fields(type(self), data, files)
        super().__init__(data, files, *args, parent_page=parent_page, **kwargs)
        self.instance.validation_parent = parent_page

    def clean(self):
        cleaned = super().clean()
        for name in ("go_live_at", "expire_at"):
            moment = cleaned.get(name)
            if moment and not SCHEDULE_YEARS[0] <= moment.year <= SCHEDULE_YEARS[1]:
                self.add_error(
                    name,
                    f"日時は{SCHEDULE_YEARS[0]}年から{SCHEDULE_YEARS[1]}年までの間で入力してください。",
                )
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        for path, name, message in self.unreadable:
            form = self
            for relation, row in path:
                rows = form.formsets[relation].forms
                form = rows[row] if row < len(rows) else None
                if form is None:
                    break
            if form is None:
                self.add_error(None, message)
                continue
            form.errors  # noqa: B018 (the form's own errors first, then this one)
            form.add_error(name, message)
        problems = [inline_rows_problem(formset) for formset in self.formsets.values()]
        for problem in set(filter(None, problems)) - set(self.non_field_errors()):
            self.add_error(None, problem)
        valid = valid and not self.unreadable and not any(problems)
        if valid and is_publishing(self.data):
            # 公開前の確認: publishing waits for these; a draft saves as it is.
            valid = not refuse_publishing(self)
        return valid


class CleanTextAdminForm(WagtailAdminModelForm):
    """The admin form of snippets and settings (their ``base_form_class``): what was posted
    is cleaned of control characters first, as ``BasePageForm`` does for pages."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(clean_form_data(data), *args, **kwargs)


class BasePagePermissionTester(PagePermissionTester):
    def can_set_view_restrictions(self):
        """Only holders of ``home.set_page_privacy`` (事務局, superusers) change who may view a
        page, and only pages they may edit; Wagtail would let anyone who may publish do it."""
        return (
            self.user.is_active and self.user.has_perm("home.set_page_privacy") and self.can_edit()
        )


class BasePage(Page):
    """What every public page shares: a summary (the meta description), the page header,
    structured data and validation that can see the page's parent."""

    def get_view_restrictions(self):
        """One query instead of Wagtail's two, run once per page object: serving the page
        checks them, and the page's own sections (the correction link) ask again."""
        if "_view_restrictions" not in self.__dict__:
            restrictions = view_restrictions(self)
            len(restrictions)  # evaluated now; exists() and iteration reuse the rows
            self._view_restrictions = restrictions
        return self._view_restrictions

    def route(self, request, path_components):
        if path_components:
            return routing.descend(self, request, path_components)
        return super().route(request, path_components)

    route.follows_children_only = True

    def breadcrumb_ancestors(self):
        """The page's ancestors from the root down: those routing found on the way to it
        (no query), else from the database."""
        chain, page = [], self
        while (parent := page.__dict__.get("_cached_parent_obj")) is not None:
            chain.insert(0, parent)
            page = parent
        if chain and chain[0].depth <= 2:
            return chain
        return self.get_ancestors()

    summary = models.TextField(
        "概要",
        blank=True,
        max_length=300,
        help_text="一覧や検索結果、検索エンジンに表示される短い説明です(120字程度)。",
    )

    search_fields = Page.search_fields + [index.SearchField("summary")]
    promote_panels = [FieldPanel("summary")] + Page.promote_panels
    base_form_class = BasePageForm

    class Meta:
        abstract = True

    def get_meta_description(self):
        return self.search_description or self.summary

    def permissions_for_user(self, user):
        return BasePagePermissionTester(user, self)

    def full_clean(self, *args, **kwargs):
        """Field and page checks, then, when the page is validated with a known parent (the
        admin's form, the demo loader), the checks against its future siblings.

        Those run only then, not on every save: approving or publishing a stored revision
        must not fail because another page changed in the meantime.

        Editors' text is cleaned first (``home.text``), so that the length checks see
        what will be stored and the revision holds the cleaned text.
        """
        clean_instance(self)
        errors = {}
        try:
            super().full_clean(*args, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        parent = getattr(self, "validation_parent", None)
        if parent is not None:
            try:
                self.clean_in_tree(parent.specific)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_in_tree(self, parent):
        """Checks against other pages under ``parent``; raise ValidationError by field."""

    def get_page_header(self):
        """What ``includes/page_header.html`` shows: see that template for the keys."""
        return {"title": self.title, "dates": [("更新日", self.last_published_at)]}

    def get_jsonld(self, request=None):
        """schema.org data for search engines; page types with richer data override it."""
        data = {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": self.title,
            "url": self.get_full_url(request),
        }
        if self.get_meta_description():
            data["description"] = self.get_meta_description()
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        return data


class HomePage(BasePage):
    """The site's front page: lead text, latest news and quick links."""

    lead = RichTextField(
        "リード文",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="トップページの最初に表示する、協議会を紹介する短い文章です。",
    )

    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        InlinePanel("quick_links", label="よく見られているページ", heading="クイックリンク"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("lead")]

    # Its children are the site's sections; each section page type names the home
    # page among its parent_page_types.
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "トップページ"
        permissions = [("set_page_privacy", "ページの閲覧制限(プライバシー)を変更できる")]

    def get_page_header(self):
        return {"title": self.title, "lead_html": self.lead, "modifier": "hero"}

    def get_jsonld(self, request=None):
        return {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": self.title,
            "url": self.get_full_url(request),
            "inLanguage": "ja",
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["quick_links"] = self.quick_links.select_related("link_page")
        context["sections"] = [
            section
            for hook in hooks.get_hooks(HOME_PAGE_SECTIONS_HOOK)
            if (section := hook(request, self))
        ]
        return context


class HomeQuickLink(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="quick_links")
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="リンク先ページ",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="トップページのボタンから開くページを選びます。",
    )
    label = models.CharField(
        "表示名", max_length=60, blank=True, help_text="空欄のときはページのタイトルを表示します。"
    )
    description = models.CharField(
        "説明", max_length=120, blank=True, help_text="ボタンの下に出る短い説明(60字程度まで)。"
    )

    panels = [PageChooserPanel("link_page"), FieldPanel("label"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = "クイックリンク"

    @property
    def text(self):
        return self.label or self.link_page.title


class StandardPage(BasePage):
    """A general page: 協議会について, アクセシビリティ方針, サイトマップ and the like."""

    intro = models.TextField("はじめに", blank=True, help_text="本文の前に表示する短い文章です。")
    body = StreamField(
        StandardStreamBlock(),
        verbose_name="本文",
        blank=True,
        help_text="見出し・文章・画像・文書・表を、必要な順に組み合わせます。見出しは大見出し(h2)から使います。",
    )
    LISTING_CHOICES = [
        ("", "表示しない"),
        ("children", "このページの下の階層のページ"),
        ("site", "サイト全体のページ(サイトマップ)"),
    ]
    page_listing = models.CharField(
        "ページ一覧",
        max_length=10,
        choices=LISTING_CHOICES,
        blank=True,
        default="",
        help_text="本文の後にページの一覧を表示します。サイトマップのページでは「サイト全体」を選びます。",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("page_listing"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = "一般ページ"

    def get_page_header(self):
        return {**super().get_page_header(), "lead": self.intro}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.page_listing == "children":
            context["page_tree"] = page_tree(self.get_children().live().filter(is_public()))
        elif self.page_listing == "site":
            root = self.get_site().root_page
            context["page_tree"] = page_tree(
                Page.objects.descendant_of(root, inclusive=True).live().filter(is_public())
            )
        return context


@register_setting(icon="mail")
class SecretariatContact(BaseSiteSetting):
    """The secretariat's contact details, shown in every page's footer."""

    name = models.CharField(
        "事務局名",
        max_length=120,
        default="児玉郡市自立支援協議会 事務局",
        help_text="ページの下(フッター)に出る問い合わせ先の名前です。",
    )
    postal_code = models.CharField("郵便番号", max_length=8, blank=True, help_text="例: 367-0000")
    address = models.CharField(
        "住所",
        max_length=200,
        blank=True,
        help_text="郵便番号から書きます(例: 〒367-8501 埼玉県本庄市本庄3-5-3)。",
    )
    phone = models.CharField("電話番号", max_length=20, blank=True, help_text="例: 0495-00-0000")
    fax = models.CharField(
        "FAX番号",
        max_length=20,
        blank=True,
        help_text="耳や言葉の不自由な方の連絡手段として必ず載せます。",
    )
    email = models.EmailField(
        "メールアドレス",
        blank=True,
        help_text="問い合わせ用のアドレス。個人のアドレスは使わないでください。",
    )
    office_hours = models.CharField(
        "受付時間", max_length=120, blank=True, help_text="例: 平日 午前8時30分〜午後5時15分"
    )
    note = models.CharField(
        "補足",
        max_length=200,
        blank=True,
        help_text="例: 電話が難しい方はFAXまたはメールでお問い合わせください。",
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("postal_code"), FieldPanel("address")], heading="所在地"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("fax"), FieldPanel("email")], heading="連絡先"
        ),
        FieldPanel("office_hours"),
        FieldPanel("note"),
    ]

    base_form_class = CleanTextAdminForm

    class Meta:
        verbose_name = "事務局の連絡先"


class SearchEntry(models.Model):
    """One live page in the Japanese search index (see ``home.search``)."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="ja_search_entry",
        verbose_name="ページ",
    )
    title = models.TextField("タイトル")
    title_key = models.TextField("タイトル(照合用)")
    text = models.TextField("本文")
    text_key = models.TextField("本文(照合用)")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "検索索引"
        verbose_name_plural = "検索索引"

    def __str__(self):
        return self.title


class ReadingEntry(models.Model):
    """A word of the 読み仮名辞書: its reading overrides the analyser's in the ふりがな
    (``home.furigana``), e.g. the names of places, facilities and people of the district."""

    word = models.CharField(
        "言葉",
        max_length=50,
        unique=True,
        help_text="漢字を含む言葉を、ページに書かれているとおりに入力します(例: 児玉郡市)。",
        error_messages={"unique": "この言葉はもう読み仮名辞書にあります。"},
    )
    reading = models.CharField(
        "読み仮名",
        max_length=100,
        help_text="ひらがなかカタカナで入力します(例: こだまぐんし)。送り仮名も含めた言葉全体の読みです。",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    panels = [FieldPanel("word"), FieldPanel("reading")]
    base_form_class = CleanTextAdminForm

    class Meta:
        verbose_name = "読み仮名辞書"
        verbose_name_plural = "読み仮名辞書"
        ordering = ["word"]

    def __str__(self):
        return f"{self.word}({self.reading})"

    def clean(self):
        self.word = (self.word or "").strip()
        self.reading = (self.reading or "").strip()
        errors = {}
        if self.word and not has_kanji(self.word):
            errors["word"] = "ふりがなは漢字に付けます。漢字を含む言葉を入力してください。"
        if self.reading and not is_kana(self.reading):
            errors["reading"] = (
                "読み仮名はひらがなかカタカナだけで入力してください(漢字・英数字・記号は使えません)。"
            )
        if errors:
            raise ValidationError(errors)


class GlossaryTerm(models.Model):
    """A word of the 用語集: a welfare term with its reading and a plain explanation.

    Its first appearance in the text of a page links to the 用語集 (``home.glossary``).
    """

    term = models.CharField(
        "用語",
        max_length=60,
        unique=True,
        help_text="ページに書かれているとおりに入力します(例: 就労継続支援B型)。",
        error_messages={"unique": "この用語はもう用語集にあります。"},
    )
    reading = models.CharField(
        "読み仮名",
        max_length=120,
        help_text="ひらがなかカタカナで入力します(例: しゅうろうけいぞくしえんびーがた)。用語集の五十音の並びに使います。",
    )
    explanation = models.TextField(
        "やさしい説明",
        max_length=400,
        help_text="短い文で、むずかしい言葉を使わずに書きます(200字程度まで)。",
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="くわしいページ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="くわしく書いたページがあれば選びます(任意)。",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    panels = [
        FieldPanel("term"),
        FieldPanel("reading"),
        FieldPanel("explanation"),
        PageChooserPanel("link_page"),
    ]
    base_form_class = CleanTextAdminForm

    class Meta:
        verbose_name = "用語集の用語"
        verbose_name_plural = "用語集"
        ordering = ["reading", "term"]

    def __str__(self):
        return self.term

    def clean(self):
        self.term = (self.term or "").strip()
        self.reading = (self.reading or "").strip()
        errors = {}
        if self.term and len(self.term) < 2:
            errors["term"] = "用語は2文字以上で入力してください。"
        if self.reading and not is_kana(self.reading):
            errors["reading"] = (
                "読み仮名はひらがなかカタカナだけで入力してください(漢字・英数字・記号は使えません)。"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def anchor(self):
        """The id of the term on the 用語集 page."""
        return f"term-{self.pk}"

    @property
    def sort_key(self):
        return to_hiragana(self.reading.replace("・", "").replace(" ", "").replace("　", ""))


# 五十音の行: the first kana of each row, to group the 用語集 (ゃ, が … fall in their row).
GOJUON_ROWS = (
    ("あ", "あ行", "ぁあぃいぅうぇえぉおゔ"),
    ("か", "か行", "かがきぎくぐけげこご"),
    ("さ", "さ行", "さざしじすずせぜそぞ"),
    ("た", "た行", "ただちぢっつづてでとど"),
    ("な", "な行", "なにぬねの"),
    ("は", "は行", "はばぱひびぴふぶぷへべぺほぼぽ"),
    ("ま", "ま行", "まみむめも"),
    ("や", "や行", "ゃやゅゆょよ"),
    ("ら", "ら行", "らりるれろ"),
    ("わ", "わ行", "ゎわゐゑをん"),
)


def gojuon_row(reading):
    """(key, label) of the 五十音 row of a reading's first kana; ("", "その他") otherwise."""
    first = to_hiragana(reading[:1])
    for key, label, kana in GOJUON_ROWS:
        if first and first in kana:
            return key, label
    return "", "その他"


class GlossaryPage(BasePage):
    """The 用語集: every term of ``GlossaryTerm`` in 五十音 order, each with an anchor
    (``#term-<id>``) that the marked terms on other pages link to."""

    intro = models.TextField(
        "はじめに", blank=True, help_text="用語の一覧の前に表示する短い文章です。"
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    # The terms are explained here: they are not marked on this page (home.glossary).
    marks_glossary_terms = False

    class Meta:
        verbose_name = "用語集"

    def get_page_header(self):
        return {**super().get_page_header(), "lead": self.intro}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        terms = sorted(
            GlossaryTerm.objects.select_related("link_page"), key=lambda t: (t.sort_key, t.term)
        )
        linked = {t.link_page_id for t in terms if t.link_page_id}
        public_ids = set(
            Page.objects.filter(pk__in=linked)
            .live()
            .filter(is_public())
            .values_list("pk", flat=True)
            if linked
            else ()
        )
        rows = {}
        for term in terms:
            term.public_link = term.link_page if term.link_page_id in public_ids else None
            rows.setdefault(gojuon_row(term.reading), []).append(term)
        order = [(key, label) for key, label, _ in GOJUON_ROWS] + [("", "その他")]
        context["glossary_rows"] = [
            {"key": key, "label": label, "terms": rows[(key, label)]}
            for key, label in order
            if (key, label) in rows
        ]
        return context
