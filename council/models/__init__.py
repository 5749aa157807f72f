from .archive import MeetingArchivePage
from .committee import CommitteeKind, CommitteeMember, CommitteePage, CouncilIndexPage
from .meeting import MeetingFormat, MeetingHandout, MeetingPage, MeetingStatus
from .news import NewsIndexPage, NewsKind, NewsPage
from .report import ActivityReportPage, BusinessItem, ReportRow

__all__ = [
    "ActivityReportPage",
    "BusinessItem",
    "CommitteeKind",
    "CommitteeMember",
    "CommitteePage",
    "CouncilIndexPage",
    "MeetingArchivePage",
    "MeetingFormat",
    "MeetingHandout",
    "MeetingPage",
    "MeetingStatus",
    "NewsIndexPage",
    "NewsKind",
    "NewsPage",
    "ReportRow",
]
