"""Demo content for ふくしマップ: the directory page and about 60 SAMPLE facilities.

Nothing here describes a real office. Every name is marked サンプル; the
operators are invented; the addresses use real town names of the district
with invented house numbers (丁目 beyond the real ones, 番地 in the 9000s);
telephone numbers use the exchange 00 (0495-00-xxxx), which is never
assigned; office numbers are 11990xxxxx; corporate numbers are left empty
so that no invented number can collide with a real company's.

Facilities are spread over the four municipalities roughly by population
(本庄市 34, 上里町 13, 神川町 7, 美里町 6). Coordinates are the
municipality's centre with a deterministic jitter of up to ±0.02°. The
date each facility was last checked (情報確認日) is counted back from the
day the demo is loaded, so most are fresh and a few are older than 13
months whenever the demo is installed.

Like the rest of the demo, every page is found by slug and only created when
missing, so ``load`` can run any number of times.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from home.demo import add_child, rich

from .models import (
    FacilityIndexPage,
    FacilityPage,
    FacilityService,
    Feature,
    Municipality,
    ServiceType,
    TargetGroup,
)

INDEX_SLUG = "fukushi-map"
SEED = 2024
JITTER = 0.02

CENTRES = {
    "本庄市": (36.2436, 139.1903),
    "美里町": (36.1770, 139.1810),
    "神川町": (36.2140, 139.1020),
    "上里町": (36.2510, 139.1440),
}

# Target groups (対象者), as seeded by facilities/migrations/0002_seed_taxonomy.py.
BODY, INTEL, MENTAL, CHILD, RARE = "身体", "知的", "精神", "障害児", "難病"
ALL = (BODY, INTEL, MENTAL, CHILD, RARE)
ADULTS = (BODY, INTEL, MENTAL, RARE)

# Services under the Child Welfare Act are for children whatever the facility's default.
CHILD_SERVICES = {
    "障害児相談支援",
    "児童発達支援",
    "放課後等デイサービス",
    "居宅訪問型児童発達支援",
    "保育所等訪問支援",
    "障害児入所支援",
}

GH_CARE = "共同生活援助(介護サービス包括型)"
GH_EXTERNAL = "共同生活援助(外部サービス利用型)"
GH_DAYTIME = "共同生活援助(日中サービス支援型)"

# Features (特徴).
PICKUP, WHEELCHAIR, MEDICAL, BATH, MEALS, PARKING, TRIAL = (
    "送迎あり",
    "車椅子対応",
    "医療的ケア対応",
    "入浴",
    "食事提供",
    "駐車場あり",
    "体験利用可",
)

# Opening hours: (weekday, saturday, sunday, holiday, closed days).
HOURS = {
    "office": ("8:30〜17:30", "", "", "", "土日祝日、年末年始"),
    "day": ("9:00〜16:00", "", "", "", "土日祝日、年末年始(行事のある土曜日は開所)"),
    "work": ("9:00〜15:30", "9:00〜12:00(第2・第4土曜日)", "", "", "日曜日、祝日、年末年始"),
    "residence": ("24時間", "24時間", "24時間", "24時間", "なし(見学・相談は平日 10:00〜16:00)"),
    "helper": ("7:00〜19:00", "7:00〜19:00", "8:00〜18:00", "8:00〜18:00", "年末年始"),
    "children": (
        "放課後〜18:00",
        "9:00〜17:00",
        "",
        "",
        "日曜日、年末年始(学校の長期休みは9:00から)",
    ),
    "centre": ("10:00〜16:00", "10:00〜15:00", "", "", "日曜日、祝日、年末年始"),
}


@dataclass
class Sample:
    slug: str
    name: str
    kana: str
    municipality: str
    postal_code: str
    town: str
    block: str
    operator: str
    services: list
    targets: tuple = ADULTS
    features: tuple = ()
    hours: str = "office"
    kyoten: bool = False
    stale: bool = False
    web: bool = False


def svc(name, capacity=None, targets=None, notes=""):
    """One service row: type name, capacity (定員), target groups and a note."""
    return (name, capacity, targets, notes)


def residential(*, beds, day, short, targets):
    """A 障害者支援施設: residence at night, 生活介護 by day, and short stays."""
    return [
        svc("施設入所支援", beds, targets),
        svc("生活介護", day, targets, "通所での利用もできます"),
        svc("短期入所", short, targets, "併設型"),
    ]


def group_home(kind, capacity, targets, notes="", short=None):
    services = [svc(kind, capacity, targets, notes)]
    if short:
        services.append(svc("短期入所", short, targets, "空床型"))
    return services


CONSULTING = [svc("計画相談支援"), svc("障害児相談支援")]

SAMPLES = [
    # --- 本庄市 (34) --------------------------------------------------------
    Sample(
        "haniwa-no-sato",
        "はにわの里(サンプル)",
        "ハニワノサト",
        "本庄市",
        "367-0021",
        "東台",
        "9丁目21番1号",
        "社会福祉法人サンプル福祉会",
        residential(beds=50, day=60, short=6, targets=(BODY, INTEL)),
        targets=(BODY, INTEL),
        features=(PICKUP, WHEELCHAIR, BATH, MEALS, PARKING, TRIAL),
        hours="residence",
        kyoten=True,
        web=True,
    ),
    Sample(
        "hibari-en",
        "ひばり園(サンプル)",
        "ヒバリエン",
        "本庄市",
        "367-0045",
        "柏",
        "8丁目5番3号",
        "社会福祉法人ひばりサンプル会",
        residential(beds=40, day=40, short=4, targets=(INTEL,)),
        targets=(INTEL,),
        features=(PICKUP, BATH, MEALS, PARKING),
        hours="residence",
        stale=True,
    ),
    Sample(
        "garden-hills-honjo",
        "ガーデンヒルズ本庄(サンプル)",
        "ガーデンヒルズホンジョウ",
        "本庄市",
        "367-0056",
        "見福",
        "9丁目30番2号",
        "社会福祉法人サンプル会 ガーデン事業部",
        residential(beds=30, day=35, short=5, targets=(BODY, RARE)),
        targets=(BODY, RARE),
        features=(WHEELCHAIR, MEDICAL, BATH, MEALS, PARKING),
        hours="residence",
        kyoten=True,
        web=True,
    ),
    Sample(
        "gh-sakuradori",
        "グループホーム さくら通り(サンプル)",
        "グループホーム サクラドオリ",
        "本庄市",
        "367-0053",
        "中央",
        "9丁目8番11号",
        "社会福祉法人サンプル福祉会",
        group_home(GH_CARE, 6, (INTEL,), "女性のみ"),
        targets=(INTEL,),
        features=(MEALS, TRIAL),
        hours="residence",
    ),
    Sample(
        "pastel-house",
        "ぱすてるハウス(サンプル)",
        "パステルハウス",
        "本庄市",
        "367-0031",
        "北堀",
        "9140番地",
        "特定非営利活動法人サンプルぱすてる",
        group_home(GH_CARE, 5, (INTEL, MENTAL)),
        targets=(INTEL, MENTAL),
        features=(MEALS,),
        hours="residence",
    ),
    Sample(
        "zakuro-so",
        "ざくろ荘(サンプル)",
        "ザクロソウ",
        "本庄市",
        "367-0035",
        "西富田",
        "9233番地",
        "株式会社サンプルケア",
        group_home(GH_EXTERNAL, 4, (MENTAL,), "男性のみ"),
        targets=(MENTAL,),
        features=(MEALS,),
        hours="residence",
    ),
    Sample(
        "bara-no-ie",
        "ばらの家(サンプル)",
        "バラノイエ",
        "本庄市",
        "367-0034",
        "四季の里",
        "8丁目14番6号",
        "社会福祉法人サンプル福祉会",
        group_home(GH_CARE, 7, (INTEL,)),
        targets=(INTEL,),
        features=(MEALS, BATH, TRIAL),
        hours="residence",
    ),
    Sample(
        "chateau-chiyoda",
        "シャトー千代田(サンプル)",
        "シャトーチヨダ",
        "本庄市",
        "367-0054",
        "千代田",
        "9丁目3番7号",
        "一般社団法人サンプル地域支援",
        group_home(GH_DAYTIME, 10, (BODY, INTEL), short=2),
        targets=(BODY, INTEL),
        features=(WHEELCHAIR, MEALS, BATH, TRIAL),
        hours="residence",
        kyoten=True,
        web=True,
    ),
    Sample(
        "gh-kikkake",
        "グループホーム きっかけ(サンプル)",
        "グループホーム キッカケ",
        "本庄市",
        "367-0061",
        "小島",
        "9丁目19番2号",
        "合同会社サンプルライフ",
        group_home(GH_CARE, 6, (INTEL, MENTAL)),
        targets=(INTEL, MENTAL),
        features=(MEALS,),
        hours="residence",
    ),
    Sample(
        "yuyu-home",
        "ゆうゆうホーム(サンプル)",
        "ユウユウホーム",
        "本庄市",
        "367-0044",
        "早稲田の杜",
        "9丁目2番5号",
        "株式会社サンプルケア",
        group_home(GH_DAYTIME, 9, (INTEL, BODY), short=1),
        targets=(INTEL, BODY),
        features=(WHEELCHAIR, MEALS, BATH),
        hours="residence",
    ),
    Sample(
        "hanamizuki-house",
        "はなみずきハウス(サンプル)",
        "ハナミズキハウス",
        "本庄市",
        "367-0023",
        "寿",
        "8丁目22番9号",
        "特定非営利活動法人サンプルはなみずき",
        group_home(GH_EXTERNAL, 5, (MENTAL,)),
        targets=(MENTAL,),
        hours="residence",
        stale=True,
    ),
    Sample(
        "sodan-center-honjo",
        "サンプル相談支援センター本庄",
        "サンプルソウダンシエンセンターホンジョウ",
        "本庄市",
        "367-0052",
        "銀座",
        "9丁目1番1号",
        "社会福祉法人サンプル福祉会",
        [*CONSULTING, svc("地域移行支援"), svc("地域定着支援")],
        targets=ALL,
        features=(PARKING,),
        kyoten=True,
        web=True,
    ),
    Sample(
        "sodan-kodama",
        "相談支援事業所 こだま(サンプル)",
        "ソウダンシエンジギョウショ コダマ",
        "本庄市",
        "367-0026",
        "朝日町",
        "8丁目7番4号",
        "一般社団法人サンプル地域支援",
        CONSULTING,
        targets=ALL,
        features=(PARKING,),
        kyoten=True,
    ),
    Sample(
        "seikatsu-shien-minami",
        "生活支援センター みなみ(サンプル)",
        "セイカツシエンセンター ミナミ",
        "本庄市",
        "367-0030",
        "駅南",
        "9丁目12番3号",
        "医療法人社団サンプル会",
        [
            svc("計画相談支援"),
            svc("地域移行支援"),
            svc("地域定着支援"),
            svc("自立生活援助", targets=(MENTAL, INTEL)),
        ],
        targets=(MENTAL,),
        kyoten=True,
        web=True,
    ),
    Sample(
        "sodanshitsu-palette",
        "相談室 ぱれっと(サンプル)",
        "ソウダンシツ パレット",
        "本庄市",
        "367-0042",
        "けや木",
        "9丁目16番8号",
        "特定非営利活動法人サンプルつばさ",
        CONSULTING,
        targets=(INTEL, CHILD),
    ),
    Sample(
        "workshop-ginza",
        "ワークショップ銀座(サンプル)",
        "ワークショップギンザ",
        "本庄市",
        "367-0052",
        "銀座",
        "8丁目25番6号",
        "社会福祉法人サンプル福祉会",
        [svc("就労継続支援B型", 20, notes="軽作業、清掃、菓子の製造")],
        targets=(INTEL, MENTAL),
        features=(PICKUP, MEALS, TRIAL),
        hours="work",
    ),
    Sample(
        "honjo-bakery",
        "本庄ベーカリー工房(サンプル)",
        "ホンジョウベーカリーコウボウ",
        "本庄市",
        "367-0047",
        "前原",
        "9丁目4番10号",
        "株式会社サンプルワークス",
        [svc("就労継続支援A型", 20, notes="パンの製造と販売")],
        targets=(BODY, INTEL, MENTAL),
        features=(MEALS, PARKING),
        hours="work",
        web=True,
    ),
    Sample(
        "shigoto-support-honjo",
        "しごとサポート本庄(サンプル)",
        "シゴトサポートホンジョウ",
        "本庄市",
        "367-0030",
        "駅南",
        "8丁目17番1号",
        "一般社団法人サンプル就労ネット",
        [
            svc("就労移行支援", 20),
            svc("就労定着支援"),
            svc("就労選択支援", notes="就労の前に、本人に合う働き方を一緒に考えます"),
        ],
        targets=ADULTS,
        features=(TRIAL,),
        web=True,
    ),
    Sample(
        "job-station-ekinami",
        "ジョブステーション駅南(サンプル)",
        "ジョブステーションエキナミ",
        "本庄市",
        "367-0030",
        "駅南",
        "9丁目27番4号",
        "株式会社サンプルワークス",
        [svc("就労移行支援", 10), svc("就労定着支援")],
        targets=(MENTAL, INTEL),
        features=(TRIAL,),
        stale=True,
    ),
    Sample(
        "himawari-sagyosho",
        "ひまわり作業所(サンプル)",
        "ヒマワリサギョウショ",
        "本庄市",
        "367-0064",
        "緑",
        "9丁目11番2号",
        "社会福祉法人ひばりサンプル会",
        [svc("就労継続支援B型", 30, notes="農作業、部品の組立て")],
        targets=(INTEL,),
        features=(PICKUP, MEALS, PARKING),
        hours="work",
    ),
    Sample(
        "nozomi-kobo",
        "のぞみ工房(サンプル)",
        "ノゾミコウボウ",
        "本庄市",
        "367-0041",
        "藤田",
        "9315番地",
        "特定非営利活動法人サンプルのぞみ",
        [svc("就労継続支援B型", 20), svc("地域活動支援センター", 10, notes="Ⅲ型")],
        targets=(MENTAL,),
        features=(MEALS, TRIAL),
        hours="work",
    ),
    Sample(
        "kodomo-support-piyopiyo",
        "こどもサポート ぴよぴよ(サンプル)",
        "コドモサポート ピヨピヨ",
        "本庄市",
        "367-0043",
        "杉山",
        "9丁目5番5号",
        "合同会社サンプルキッズ",
        [
            svc("児童発達支援", 10),
            svc("保育所等訪問支援"),
            svc("居宅訪問型児童発達支援", notes="外出が難しい子どもの家を訪ねます"),
        ],
        targets=(CHILD,),
        features=(PICKUP, TRIAL),
        hours="day",
    ),
    Sample(
        "houkago-gungun",
        "放課後等デイサービス ぐんぐん(サンプル)",
        "ホウカゴトウデイサービス グングン",
        "本庄市",
        "367-0033",
        "日の出",
        "9丁目10番1号",
        "株式会社サンプルキッズ",
        [svc("放課後等デイサービス", 10)],
        targets=(CHILD,),
        features=(PICKUP,),
        hours="children",
    ),
    Sample(
        "kids-space-habataki",
        "キッズスペース はばたき(サンプル)",
        "キッズスペース ハバタキ",
        "本庄市",
        "367-0025",
        "朝日町",
        "9丁目6番12号",
        "社会福祉法人サンプル福祉会",
        [svc("児童発達支援", 10), svc("放課後等デイサービス", 10), svc("保育所等訪問支援")],
        targets=(CHILD,),
        features=(PICKUP, MEDICAL, WHEELCHAIR),
        hours="children",
        web=True,
    ),
    Sample(
        "challenge-club",
        "ちゃれんじクラブ(サンプル)",
        "チャレンジクラブ",
        "本庄市",
        "367-0022",
        "日の出",
        "8丁目13番3号",
        "合同会社サンプルキッズ",
        [svc("放課後等デイサービス", 10, notes="中学生・高校生が中心です")],
        targets=(CHILD,),
        features=(PICKUP,),
        hours="children",
    ),
    Sample(
        "helper-hohoemi",
        "ヘルパーステーション ほほえみ(サンプル)",
        "ヘルパーステーション ホホエミ",
        "本庄市",
        "367-0051",
        "本庄",
        "9丁目9番9号",
        "株式会社サンプルケア",
        [
            svc("居宅介護"),
            svc("重度訪問介護", targets=(BODY, RARE)),
            svc("同行援護", targets=(BODY,), notes="視覚障害のある人の外出に同行します"),
            svc("重度障害者等包括支援", targets=(BODY, INTEL)),
            svc("移動支援"),
        ],
        targets=ADULTS,
        hours="helper",
    ),
    Sample(
        "houmon-kaigo-ayumi",
        "訪問介護 あゆみ(サンプル)",
        "ホウモンカイゴ アユミ",
        "本庄市",
        "367-0063",
        "下野堂",
        "9402番地",
        "合同会社サンプルライフ",
        [
            svc("居宅介護"),
            svc("行動援護", targets=(INTEL, MENTAL, CHILD)),
            svc("移動支援", targets=(INTEL, MENTAL, CHILD)),
        ],
        targets=(INTEL, MENTAL, CHILD),
        hours="helper",
    ),
    Sample(
        "day-center-fureai",
        "デイセンター ふれあい(サンプル)",
        "デイセンター フレアイ",
        "本庄市",
        "367-0046",
        "南",
        "8丁目20番4号",
        "社会福祉法人サンプル福祉会",
        [svc("生活介護", 20), svc("日中一時支援", 5)],
        targets=(BODY, INTEL),
        features=(PICKUP, WHEELCHAIR, BATH, MEALS),
        hours="day",
    ),
    Sample(
        "biwa-no-ki",
        "びわの木(サンプル)",
        "ビワノキ",
        "本庄市",
        "367-0062",
        "今井",
        "9511番地",
        "特定非営利活動法人サンプルびわ",
        [svc("生活介護", 20), svc("日中一時支援", 3)],
        targets=(INTEL,),
        features=(PICKUP, MEALS, PARKING),
        hours="day",
    ),
    Sample(
        "honjo-rehabilitation",
        "本庄リハビリテーションセンター(サンプル)",
        "ホンジョウリハビリテーションセンター",
        "本庄市",
        "367-0048",
        "南",
        "9丁目18番1号",
        "医療法人社団サンプル会",
        [
            svc("自立訓練(機能訓練)", 6, (BODY, RARE)),
            svc("自立訓練(生活訓練)", 6, (INTEL, MENTAL)),
        ],
        targets=ADULTS,
        features=(WHEELCHAIR, PARKING, PICKUP),
        web=True,
    ),
    Sample(
        "asahi-ryo",
        "あさひ寮(サンプル)",
        "アサヒリョウ",
        "本庄市",
        "367-0027",
        "朝日町",
        "8丁目2番15号",
        "医療法人社団サンプル会",
        [
            svc("宿泊型自立訓練", 10, notes="利用は原則2年までです"),
            svc("自立訓練(生活訓練)", 10),
        ],
        targets=(MENTAL,),
        features=(MEALS,),
        hours="residence",
    ),
    Sample(
        "dandan",
        "だんだん(サンプル)",
        "ダンダン",
        "本庄市",
        "367-0055",
        "若泉",
        "9丁目7番2号",
        "特定非営利活動法人サンプルだんだん",
        [svc("地域活動支援センター", 15, notes="Ⅰ型。だれでも立ち寄れる居場所です")],
        targets=(MENTAL,),
        features=(TRIAL,),
        hours="centre",
    ),
    Sample(
        "shuwa-support-center",
        "手話サポートセンター(サンプル)",
        "シュワサポートセンター",
        "本庄市",
        "367-0053",
        "中央",
        "8丁目11番1号",
        "一般社団法人サンプル聴覚支援",
        [svc("意思疎通支援", notes="手話通訳者・要約筆記者を派遣します")],
        targets=(BODY,),
    ),
    Sample(
        "ryoyo-center-honjo",
        "サンプル療養センター本庄",
        "サンプルリョウヨウセンターホンジョウ",
        "本庄市",
        "367-0038",
        "牧西",
        "9620番地",
        "医療法人社団サンプル会",
        [svc("療養介護", 40), svc("短期入所", 2, notes="医療型")],
        targets=(BODY, RARE),
        features=(MEDICAL, WHEELCHAIR, BATH, MEALS, PARKING),
        hours="residence",
        web=True,
    ),
    # --- 上里町 (13) --------------------------------------------------------
    Sample(
        "kamisato-kibou-no-ie",
        "かみさと希望の家(サンプル)",
        "カミサトキボウノイエ",
        "上里町",
        "369-0306",
        "七本木",
        "9401番地",
        "社会福祉法人かみさとサンプル会",
        residential(beds=40, day=40, short=4, targets=(INTEL,)),
        targets=(INTEL,),
        features=(PICKUP, BATH, MEALS, PARKING, TRIAL),
        hours="residence",
        kyoten=True,
        web=True,
    ),
    Sample(
        "parkside-shichihongi",
        "パークサイド七本木(サンプル)",
        "パークサイドシチホンギ",
        "上里町",
        "369-0306",
        "七本木",
        "9788番地",
        "社会福祉法人サンプル会 ガーデン事業部",
        residential(beds=30, day=30, short=3, targets=(BODY, INTEL)),
        targets=(BODY, INTEL),
        features=(WHEELCHAIR, BATH, MEALS, PARKING),
        hours="residence",
    ),
    Sample(
        "gh-kanakubo",
        "グループホーム かなくぼ(サンプル)",
        "グループホーム カナクボ",
        "上里町",
        "369-0305",
        "金久保",
        "9102番地",
        "社会福祉法人かみさとサンプル会",
        group_home(GH_CARE, 6, (INTEL,), "男性のみ"),
        targets=(INTEL,),
        features=(MEALS,),
        hours="residence",
    ),
    Sample(
        "yurikago-so",
        "ゆりかご荘(サンプル)",
        "ユリカゴソウ",
        "上里町",
        "369-0312",
        "大御堂",
        "9250番地",
        "株式会社サンプルケア",
        group_home(GH_EXTERNAL, 5, (MENTAL,)),
        targets=(MENTAL,),
        hours="residence",
    ),
    Sample(
        "harmony-house",
        "ハーモニーハウス(サンプル)",
        "ハーモニーハウス",
        "上里町",
        "369-0301",
        "神保原町",
        "9丁目4番2号",
        "一般社団法人サンプル地域支援",
        group_home(GH_DAYTIME, 10, (BODY, INTEL), short=2),
        targets=(BODY, INTEL),
        features=(WHEELCHAIR, MEALS, BATH),
        hours="residence",
    ),
    Sample(
        "popura",
        "ぽぷら(サンプル)",
        "ポプラ",
        "上里町",
        "369-0307",
        "三町",
        "9333番地",
        "特定非営利活動法人サンプルぽぷら",
        group_home(GH_CARE, 5, (INTEL, MENTAL), "女性のみ"),
        targets=(INTEL, MENTAL),
        features=(MEALS, TRIAL),
        hours="residence",
        stale=True,
    ),
    Sample(
        "sodanshitsu-kamisato",
        "サンプル相談室かみさと",
        "サンプルソウダンシツカミサト",
        "上里町",
        "369-0301",
        "神保原町",
        "8丁目15番1号",
        "社会福祉法人かみさとサンプル会",
        CONSULTING,
        targets=ALL,
        features=(PARKING,),
        kyoten=True,
    ),
    Sample(
        "sodan-tsunagu",
        "相談支援センター つなぐ(サンプル)",
        "ソウダンシエンセンター ツナグ",
        "上里町",
        "369-0311",
        "勅使河原",
        "9470番地",
        "特定非営利活動法人サンプルつばさ",
        [svc("計画相談支援"), svc("地域移行支援"), svc("地域定着支援")],
        targets=(MENTAL, INTEL),
    ),
    Sample(
        "minori-sagyosho",
        "みのり作業所(サンプル)",
        "ミノリサギョウショ",
        "上里町",
        "369-0302",
        "堤",
        "9205番地",
        "社会福祉法人かみさとサンプル会",
        [svc("就労継続支援B型", 20, notes="野菜の栽培と販売")],
        targets=(INTEL,),
        features=(PICKUP, MEALS, PARKING),
        hours="work",
    ),
    Sample(
        "budou-no-ki",
        "ぶどうの樹(サンプル)",
        "ブドウノキ",
        "上里町",
        "369-0304",
        "帯刀",
        "9618番地",
        "株式会社サンプルワークス",
        [svc("就労継続支援A型", 10), svc("就労継続支援B型", 10)],
        targets=(MENTAL, INTEL),
        features=(MEALS, TRIAL),
        hours="work",
        web=True,
    ),
    Sample(
        "houkago-wakuwaku",
        "放課後クラブ わくわく(サンプル)",
        "ホウカゴクラブ ワクワク",
        "上里町",
        "369-0313",
        "長浜",
        "9041番地",
        "合同会社サンプルキッズ",
        [svc("放課後等デイサービス", 10), svc("児童発達支援", 5)],
        targets=(CHILD,),
        features=(PICKUP,),
        hours="children",
    ),
    Sample(
        "helper-kamisato",
        "ヘルパー派遣 かみさと(サンプル)",
        "ヘルパーハケン カミサト",
        "上里町",
        "369-0303",
        "嘉美",
        "9126番地",
        "社会福祉法人かみさとサンプル会",
        [
            svc("居宅介護"),
            svc("同行援護", targets=(BODY,)),
            svc("移動支援", targets=(BODY, INTEL, CHILD)),
        ],
        targets=ADULTS,
        hours="helper",
    ),
    Sample(
        "jagaimo-batake",
        "じゃがいも畑(サンプル)",
        "ジャガイモバタケ",
        "上里町",
        "369-0314",
        "忍保",
        "9280番地",
        "特定非営利活動法人サンプルじゃがいも",
        [svc("生活介護", 20), svc("日中一時支援", 4)],
        targets=(BODY, INTEL),
        features=(PICKUP, BATH, MEALS),
        hours="day",
    ),
    # --- 神川町 (7) ---------------------------------------------------------
    Sample(
        "kamikawa-yamabiko-en",
        "神川やまびこ園(サンプル)",
        "カミカワヤマビコエン",
        "神川町",
        "367-0301",
        "植竹",
        "9550番地",
        "社会福祉法人やまびこサンプル会",
        residential(beds=50, day=50, short=4, targets=(INTEL,)),
        targets=(INTEL,),
        features=(PICKUP, BATH, MEALS, PARKING),
        hours="residence",
    ),
    Sample(
        "ryoiku-center-wakaba",
        "こども療育センター わかば(サンプル)",
        "コドモリョウイクセンター ワカバ",
        "神川町",
        "367-0311",
        "元阿保",
        "9303番地",
        "社会福祉法人やまびこサンプル会",
        [svc("障害児入所支援", 20, notes="福祉型"), svc("短期入所", 2, (CHILD,))],
        targets=(CHILD,),
        features=(MEDICAL, BATH, MEALS),
        hours="residence",
    ),
    Sample(
        "gh-watarase",
        "グループホーム わたらせ(サンプル)",
        "グループホーム ワタラセ",
        "神川町",
        "367-0302",
        "渡瀬",
        "9117番地",
        "社会福祉法人やまびこサンプル会",
        group_home(GH_CARE, 6, (INTEL,)),
        targets=(INTEL,),
        features=(MEALS, BATH),
        hours="residence",
    ),
    Sample(
        "yuzu-no-ie",
        "ゆずの家(サンプル)",
        "ユズノイエ",
        "神川町",
        "367-0233",
        "新宿",
        "9412番地",
        "特定非営利活動法人サンプルゆず",
        group_home(GH_CARE, 4, (MENTAL,)),
        targets=(MENTAL,),
        hours="residence",
    ),
    Sample(
        "sodan-kamikawa",
        "相談支援事業所 かみかわ(サンプル)",
        "ソウダンシエンジギョウショ カミカワ",
        "神川町",
        "367-0247",
        "八日市",
        "9208番地",
        "社会福祉法人やまびこサンプル会",
        CONSULTING,
        targets=ALL,
        features=(PARKING,),
    ),
    Sample(
        "nashi-no-ki-kobo",
        "梨の木工房(サンプル)",
        "ナシノキコウボウ",
        "神川町",
        "367-0245",
        "二ノ宮",
        "9360番地",
        "社会福祉法人やまびこサンプル会",
        [svc("就労継続支援B型", 20, notes="梨の袋かけ、ゆずの加工品づくり")],
        targets=(INTEL,),
        features=(PICKUP, MEALS, PARKING),
        hours="work",
        stale=True,
    ),
    Sample(
        "minna-no-hiroba",
        "みんなの広場(サンプル)",
        "ミンナノヒロバ",
        "神川町",
        "367-0241",
        "池田",
        "9066番地",
        "特定非営利活動法人サンプルひろば",
        [
            svc("地域活動支援センター", 10, notes="Ⅱ型"),
            svc("日中一時支援", 5),
            svc("移動支援"),
        ],
        targets=ADULTS,
        features=(TRIAL, PARKING),
        hours="centre",
    ),
    # --- 美里町 (6) ---------------------------------------------------------
    Sample(
        "misato-no-mori",
        "みさとの森(サンプル)",
        "ミサトノモリ",
        "美里町",
        "367-0112",
        "猪俣",
        "9700番地",
        "社会福祉法人みさとサンプル会",
        residential(beds=30, day=30, short=4, targets=(BODY, INTEL)),
        targets=(BODY, INTEL),
        features=(PICKUP, WHEELCHAIR, BATH, MEALS, PARKING),
        hours="residence",
    ),
    Sample(
        "gh-kobushi",
        "グループホーム こぶし(サンプル)",
        "グループホーム コブシ",
        "美里町",
        "367-0113",
        "阿那志",
        "9215番地",
        "社会福祉法人みさとサンプル会",
        group_home(GH_CARE, 5, (INTEL,)),
        targets=(INTEL,),
        features=(MEALS,),
        hours="residence",
    ),
    Sample(
        "bambi-house",
        "ばんびハウス(サンプル)",
        "バンビハウス",
        "美里町",
        "367-0104",
        "木部",
        "9388番地",
        "株式会社サンプルケア",
        group_home(GH_DAYTIME, 8, (INTEL,), short=1),
        targets=(INTEL,),
        features=(MEALS, BATH, TRIAL),
        hours="residence",
    ),
    Sample(
        "sodan-center-misato",
        "相談支援センター みさと(サンプル)",
        "ソウダンシエンセンター ミサト",
        "美里町",
        "367-0116",
        "関",
        "9142番地",
        "社会福祉法人みさとサンプル会",
        [*CONSULTING, svc("地域移行支援")],
        targets=ALL,
        features=(PARKING,),
    ),
    Sample(
        "misato-farm",
        "美里ファーム(サンプル)",
        "ミサトファーム",
        "美里町",
        "367-0107",
        "広木",
        "9834番地",
        "一般社団法人サンプル就労ネット",
        [svc("就労継続支援B型", 15, notes="農作業が中心です"), svc("生活介護", 6)],
        targets=(INTEL, MENTAL),
        features=(PICKUP, MEALS, PARKING, TRIAL),
        hours="work",
    ),
    Sample(
        "kodomo-no-ie-pocket",
        "こどもの家 ぽけっと(サンプル)",
        "コドモノイエ ポケット",
        "美里町",
        "367-0103",
        "甘粕",
        "9061番地",
        "合同会社サンプルキッズ",
        [svc("児童発達支援", 10), svc("放課後等デイサービス", 10)],
        targets=(CHILD,),
        features=(PICKUP, TRIAL),
        hours="children",
    ),
]

INTRO = rich(
    "ふくしマップは、本庄市・美里町・神川町・上里町(児玉郡市)にある障害福祉サービスの事業所を"
    "まとめた案内です。市町、サービスの種類、対象となる人、送迎などの特徴から事業所を探せます。"
    "一覧のほか、地図でも見られます。",
    "掲載している内容は、年に1回、各事業所に確かめて更新しています。"
    "利用を考えるときは、最新の状況を事業所や相談支援事業所、市町の窓口にお問い合わせください。",
    "<strong>現在掲載している事業所・番号・住所などは、表示を確かめるためのサンプルです。"
    "実在する事業所ではありません。</strong>",
)


def jittered(rng, municipality):
    lat, lng = CENTRES[municipality]
    return (
        Decimal(f"{lat + rng.uniform(-JITTER, JITTER):.6f}"),
        Decimal(f"{lng + rng.uniform(-JITTER, JITTER):.6f}"),
    )


def verified_age_days(rng, stale):
    """Days since the facility was last checked: under 11 months, or over 13 for stale ones."""
    return rng.randint(420, 600) if stale else rng.randint(7, 330)


class Lookup:
    """The taxonomy rows the demo refers to by name, loaded once."""

    def __init__(self):
        self.municipalities = {m.name: m for m in Municipality.objects.all()}
        self.service_types = {s.name: s for s in ServiceType.objects.all()}
        self.target_groups = {t.name: t for t in TargetGroup.objects.all()}
        self.features = {f.name: f for f in Feature.objects.all()}

    def targets(self, names):
        return [self.target_groups[n] for n in names]


def build_page(number, sample, lookup, *, lat, lng, verified_on):
    weekday, saturday, sunday, holiday, closed = HOURS[sample.hours]
    municipality = lookup.municipalities[sample.municipality]
    type_names = [name for name, *_ in sample.services]
    page = FacilityPage(
        title=sample.name,
        slug=f"sample-{sample.slug}",
        name_kana=sample.kana,
        operator=sample.operator,
        office_number=f"11990{number:05d}",
        municipality=municipality,
        postal_code=sample.postal_code,
        address=sample.town + sample.block,
        latitude=lat,
        longitude=lng,
        phone=f"0495-00-{1000 + number:04d}",
        fax=f"0495-00-{5000 + number:04d}",
        email=f"{sample.slug}@example.jp" if sample.web else "",
        website=f"https://example.jp/{sample.slug}/" if sample.web else "",
        hours_weekday=weekday,
        hours_saturday=saturday,
        hours_sunday=sunday,
        hours_holiday=holiday,
        closed_days=closed,
        kyoten_registered=sample.kyoten,
        summary=(
            f"{sample.municipality}{sample.town}の事業所(サンプル)。"
            f"{'・'.join(dict.fromkeys(type_names))}を行っています。"
        ),
        description=rich(
            f"{sample.municipality}{sample.town}で、{'、'.join(dict.fromkeys(type_names))}を"
            "行っている事業所です。",
            "このページは、ふくしマップの表示を確かめるためのサンプルです。"
            "名前・住所・電話番号などはすべて架空のもので、実在する事業所ではありません。",
        ),
        verified_on=verified_on,
    )
    for name, capacity, targets, notes in sample.services:
        if targets is None:
            targets = (CHILD,) if name in CHILD_SERVICES else sample.targets
        service = FacilityService(
            service_type=lookup.service_types[name], capacity=capacity, notes=notes
        )
        service.target_groups = lookup.targets(targets)
        service.full_clean(exclude=["page"])
        page.services.add(service)
    page.features = [lookup.features[name] for name in sample.features]
    # path and depth are only known once the page is placed in the tree.
    page.full_clean(exclude=["path", "depth"])
    return page


def ensure_index(home):
    return add_child(
        home,
        FacilityIndexPage(
            title="ふくしマップ",
            slug=INDEX_SLUG,
            show_in_menus=True,
            summary=(
                "本庄市・美里町・神川町・上里町の障害福祉サービス事業所を、"
                "市町・サービスの種類・対象者から探せます。"
            ),
            intro=INTRO,
        ),
    )


@transaction.atomic
def load(home):
    """Create the ふくしマップ page and the sample facilities that are missing.

    Returns (titles of what was created, {"index": the FacilityIndexPage}).
    """
    created = []
    index, made = ensure_index(home)
    if made:
        created.append(index.title)

    lookup = Lookup()
    existing = set(index.get_children().values_list("slug", flat=True))
    today = timezone.localdate()
    rng = random.Random(SEED)
    for number, sample in enumerate(SAMPLES, start=1):
        # Draw for every sample, created or not, so each one keeps its values.
        lat, lng = jittered(rng, sample.municipality)
        age = verified_age_days(rng, sample.stale)
        if f"sample-{sample.slug}" in existing:
            continue
        page = build_page(
            number,
            sample,
            lookup,
            lat=lat,
            lng=lng,
            verified_on=today - dt.timedelta(days=age),
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        created.append(page.title)
    return created, {"index": index}
