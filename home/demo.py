"""Demo content for the foundation: the page tree, news and the secretariat's contact.

Every function finds what already exists by slug and creates only what is
missing, so ``load_demo_content`` can run any number of times.
"""

import datetime as dt
import json

from django.db import transaction
from wagtail.models import Page, Site

from council.models import NewsIndexPage, NewsPage

from . import search
from .models import HomePage, HomeQuickLink, SecretariatContact, StandardPage


def rich(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def stream(*blocks):
    """StreamField JSON from (type, value) pairs."""
    return json.dumps([{"type": t, "value": v} for t, v in blocks], ensure_ascii=False)


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def paragraph(*texts):
    return ("paragraph", rich(*texts))


def table(caption, rows, first_col_is_header=True):
    return (
        "table",
        {
            "caption": caption,
            "table": {
                "data": rows,
                "first_row_is_header": True,
                "first_col_is_header": first_col_is_header,
            },
            "first_row_is_header": True,
            "first_col_is_header": first_col_is_header,
        },
    )


def child_by_slug(parent, slug):
    return parent.get_children().filter(slug=slug).specific().first()


def add_child(parent, page):
    existing = child_by_slug(parent, page.slug)
    if existing is not None:
        return existing, False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def ensure_home_page():
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    site = Site.objects.filter(is_default_site=True).first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific, False
    root = Page.get_first_root_node()
    home = HomePage(
        title="児玉郡市自立支援協議会",
        slug="home",
        lead=rich(
            "児玉郡市自立支援協議会は、本庄市・美里町・神川町・上里町の1市3町が共同で設置している、"
            "障害のある人の暮らしを地域で支えるための協議の場です。",
            "市町、福祉サービス事業所、相談支援事業所、学校、就労支援機関などが集まり、"
            "地域の課題を見つけ、支援のネットワークをつくっています。",
        ),
        summary="本庄市・美里町・神川町・上里町の障害福祉の協議会。会議の記録、活動報告、ふくしマップ、空き情報を掲載しています。",
    )
    welcome = root.get_children().filter(slug="home").first()
    if welcome is not None:
        welcome.slug = "wagtail-welcome"
        welcome.save(update_fields=["slug"])
    root.add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="児玉郡市自立支援協議会",
        )
    else:
        site.root_page = home
        site.site_name = "児玉郡市自立支援協議会"
        site.save()
    if welcome is not None:
        welcome.delete()
    return home, True


ACCESSIBILITY_BODY = stream(
    heading("方針"),
    paragraph(
        "児玉郡市自立支援協議会のウェブサイトは、障害のある人や高齢の人を含め、だれもが必要な情報に"
        "たどり着き、内容を理解できることを目指しています。日本産業規格 JIS X 8341-3:2016"
        "「高齢者・障害者等配慮設計指針—情報通信における機器，ソフトウェア及びサービス—第3部：ウェブコンテンツ」の"
        "適合レベルAAに準拠することを目標とします。"
    ),
    heading("対象範囲"),
    paragraph("このウェブサイトのすべてのページを対象とします。"),
    heading("取組の内容"),
    paragraph(
        "ページの公開前に、自動チェックツール(axe-core)で達成基準への適合を確かめています。"
        "キーボードだけで操作できること、文字を200%に拡大しても読めること、スマートフォンで読めることも確かめています。"
    ),
    heading("例外と代わりの手段"),
    paragraph(
        "会議資料として掲載しているPDFファイルの中には、スキャンした画像のものなど、読み上げソフトで読めないものがあります。"
        "読みにくい資料があるときは、事務局までご連絡ください。テキストや拡大文字など、別の形でお渡しします。"
    ),
    heading("お問い合わせ"),
    paragraph("このページの下にある事務局の連絡先(電話・FAX・メール)からお問い合わせください。"),
)

NEWS = [
    {
        "slug": "soudan-kyodo-taisei",
        "title": "相談支援事業所5か所による協働体制の取組を報告しました",
        "date": dt.date(2024, 11, 15),
        "kind": "report",
        "summary": "令和6年4月に始まった、5つの相談支援事業所による協働体制(機能強化型I)のしくみと成果を紹介します。",
        "body": stream(
            heading("協働体制が生まれた背景"),
            paragraph(
                "児玉郡市では、常勤専従の相談支援専門員が少なく、事業所が増えないという課題がありました。"
                "令和6年1月に開設した基幹相談支援センターが中心となり、1市3町と合同で事業者向けの説明会を開き、"
                "5つの事業所が参加を決めました。"
            ),
            heading("協働体制のしくみ"),
            paragraph(
                "5事業所は機能強化型Iとして協働しています。毎週火曜日の朝に40分間のオンライン事例検討会を開き、"
                "月に1回は対面で集まって、困難な事例や新しい情報を共有しています。"
            ),
            heading("これから"),
            paragraph("一人で抱え込まない相談支援の体制を、地域全体に広げていきます。"),
        ),
    },
    {
        "slug": "kikan-soudan-center",
        "title": "児玉郡市障害者基幹相談支援センターを開設しました",
        "date": dt.date(2024, 1, 4),
        "kind": "notice",
        "summary": "地域の相談支援体制の中心となる基幹相談支援センターを、1市3町共同で開設しました。",
        "body": stream(
            paragraph(
                "令和6年1月、地域の相談支援の中核となる基幹相談支援センターを開設しました。"
                "相談支援事業所への助言や人材育成、関係機関のネットワークづくりを担います。"
            )
        ),
    },
    {
        "slug": "kyoten-touroku",
        "title": "地域生活支援拠点等の登録を受け付けています",
        "date": dt.date(2023, 5, 1),
        "kind": "notice",
        "summary": "緊急時の受け入れや相談に対応する事業所を、地域生活支援拠点等として登録します。",
        "body": stream(
            paragraph(
                "令和5年5月から、地域生活支援拠点等の登録の受付を始めました。"
                "令和6年3月末までに、相談支援事業所4か所と短期入所事業所4か所が登録しています。"
            )
        ),
    },
    {
        "slug": "nichuu-gh-hyouka",
        "title": "日中サービス支援型グループホームの評価を始めます",
        "date": dt.date(2024, 4, 1),
        "kind": "notice",
        "summary": "令和6年度から、協議会が日中サービス支援型グループホームの評価を毎年行い、埼玉県へ報告します。",
        "body": stream(
            paragraph(
                "令和6年度から、日中サービス支援型グループホームの運営について、協議会が年に1回評価を行い、"
                "その結果を埼玉県に報告することになりました。"
            )
        ),
    },
]


@transaction.atomic
def load():
    """Build the foundation's page tree. Returns a list of what was created."""
    created = []
    home, made = ensure_home_page()
    if made:
        created.append(home.title)

    from council import demo as council_demo

    council_created, council_pages = council_demo.load(home)
    created += council_created
    about = council_pages["about"]

    news_index, made = add_child(
        home,
        NewsIndexPage(
            title="お知らせ",
            slug="news",
            show_in_menus=True,
            summary="協議会からのお知らせ、研修会・講演会の案内、活動の報告です。",
            intro="協議会からのお知らせ、研修会・講演会の案内、活動の報告を掲載しています。",
        ),
    )
    if made:
        created.append(news_index.title)
    for item in NEWS:
        page, made = add_child(news_index, NewsPage(**item))
        if made:
            created.append(page.title)

    for page in (
        StandardPage(
            title="アクセシビリティ方針",
            slug="accessibility",
            summary="このウェブサイトのアクセシビリティへの取組と目標(JIS X 8341-3:2016 適合レベルAA)です。",
            body=ACCESSIBILITY_BODY,
        ),
        StandardPage(
            title="サイトマップ",
            slug="sitemap",
            page_listing="site",
            summary="このウェブサイトのすべてのページの一覧です。",
        ),
    ):
        page, made = add_child(home, page)
        if made:
            created.append(page.title)

    from facilities import demo as facilities_demo
    from vacancies import demo as vacancy_demo

    facilities_created, facility_pages = facilities_demo.load(home)
    created += facilities_created
    created += vacancy_demo.load(home)

    vacancy_page = child_by_slug(home, "aki")
    if not home.quick_links.exists():
        for order, (target, description) in enumerate(
            [
                (about, "協議会の目的と会議のしくみ"),
                (council_pages["meetings"], "全体会・部会の議事録と資料"),
                (facility_pages["index"], "障害福祉サービスの事業所を探す"),
                (vacancy_page, "入所施設・グループホームの空き状況"),
                (news_index, "研修会の案内や活動の報告"),
            ]
        ):
            HomeQuickLink.objects.create(
                page=home, link_page=target, description=description, sort_order=order
            )
        home.save_revision().publish()

    site = Site.objects.get(is_default_site=True)
    contact = SecretariatContact.for_site(site)
    if not contact.address:
        contact.name = "児玉郡市自立支援協議会 事務局"
        contact.postal_code = "367-0000"
        contact.address = "埼玉県本庄市(サンプルの住所です)"
        contact.phone = "0495-00-0000"
        contact.fax = "0495-00-0001"
        contact.email = "jiritsushien@example.jp"
        contact.office_hours = "平日 午前8時30分〜午後5時15分(土日・祝日・年末年始を除く)"
        contact.note = "表示している連絡先はサンプルです。管理画面の「設定」>「事務局の連絡先」で変更してください。"
        contact.save()
        created.append("事務局の連絡先")

    search.rebuild()
    return created
