"""The council's meetings as open data: the columns and one row per public meeting."""

from dataclasses import dataclass

from django.db.models import Max
from wagtail.models import Page

from home.dates import fiscal_year_label
from home.privacy import is_public

from .models import CommitteePage, MeetingPage


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


MEETING_COLUMNS = (
    Column("開催日", "会議を開いた(開く)日(西暦、年-月-日)"),
    Column("年度", "開催日の年度(和暦)"),
    Column("会議・部会", "会議を開いた協議会の会議・部会の名前"),
    Column("回数", "その年度の第何回の会議か(第N回)"),
    Column("件名", "会議の記録のページの題名"),
    Column("開始時刻", "開始の時刻(24時間制)"),
    Column("終了時刻", "終了の時刻(24時間制)"),
    Column("開催形式", "対面・書面開催・オンライン・ハイブリッド"),
    Column("開催の状況", "開催予定・開催済み・中止・延期"),
    Column("会場", "会場の名前"),
    Column("URL", "会議の記録のページのアドレス"),
    Column("資料", "会議資料の資料番号・資料名・アドレス(CSV では「 / 」で区切ります)"),
)
MEETING_HEADER = [column.name for column in MEETING_COLUMNS]


def meetings_for_open_data():
    """Live, public meetings, newest first, with their handouts' documents."""
    return (
        MeetingPage.objects.live()
        .filter(is_public())
        .defer_streamfields()
        .prefetch_related("handouts__document")
        .order_by("-date", "-start_time", "pk")
    )


def meeting_records(meetings, *, page_url, document_url):
    """One dict per meeting, keyed by MEETING_HEADER; 資料 is a list of dicts.

    ``page_url(meeting)`` and ``document_url(document)`` give the full addresses.
    The bodies' names come from one query, the numbers (第N回) from one more.
    """
    meetings = MeetingPage.attach_numbers(meetings)
    parents = {m.path[: -Page.steplen] for m in meetings}
    bodies = dict(CommitteePage.objects.filter(path__in=parents).values_list("path", "title"))
    records = []
    for meeting in meetings:
        number = meeting.get_display_number()
        records.append(
            {
                "開催日": meeting.date.isoformat(),
                "年度": fiscal_year_label(meeting.fiscal_year),
                "会議・部会": bodies.get(meeting.path[: -Page.steplen], ""),
                "回数": f"第{number}回" if number else "",
                "件名": meeting.title,
                "開始時刻": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
                "終了時刻": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
                "開催形式": meeting.get_format_display(),
                "開催の状況": meeting.get_status_display(),
                "会場": "" if meeting.is_written else meeting.venue,
                "URL": page_url(meeting),
                "資料": [
                    {
                        "資料番号": handout.label,
                        "資料名": handout.title,
                        "URL": document_url(handout.document),
                    }
                    for handout in meeting.handouts.all()
                    if handout.document is not None
                ],
            }
        )
    return records


def meeting_csv_row(record):
    """A record as CSV cells: the handouts in one cell, separated by ' / '."""
    handouts = " / ".join(
        " ".join(part for part in (h["資料番号"], h["資料名"], h["URL"]) if part)
        for h in record["資料"]
    )
    return [handouts if name == "資料" else record[name] for name in MEETING_HEADER]


def meetings_updated_at(meetings):
    return meetings.order_by().aggregate(latest=Max("last_published_at"))["latest"]
