from .archive import MeetingArchivePage
from .committee import CommitteeKind, CommitteeMember, CommitteePage, CouncilIndexPage
from .meeting import (
    MeetingAccess,
    MeetingFormat,
    MeetingHandout,
    MeetingPage,
    MeetingStatus,
    MinutesKind,
    MinutesStatus,
)
from .news import NewsIndexPage, NewsKind, NewsPage
from .report import ActivityReportPage, BusinessItem, ReportRow

__all__ = [
    "ActivityReportPage",
    "BusinessItem",
    "CommitteeKind",
    "CommitteeMember",
    "CommitteePage",
    "CouncilIndexPage",
    "MeetingAccess",
    "MeetingArchivePage",
    "MeetingFormat",
    "MeetingHandout",
    "MeetingPage",
    "MeetingStatus",
    "MinutesKind",
    "MinutesStatus",
    "NewsIndexPage",
    "NewsKind",
    "NewsPage",
    "ReportRow",
]
