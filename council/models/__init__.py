from .committee import CommitteeMember, CommitteePage, CouncilIndexPage
from .meeting import MeetingArchivePage, MeetingHandout, MeetingPage
from .news import NewsIndexPage, NewsPage
from .report import ActivityReportPage, BusinessItem, ReportRow

__all__ = [
    "ActivityReportPage",
    "BusinessItem",
    "CommitteeMember",
    "CommitteePage",
    "CouncilIndexPage",
    "MeetingArchivePage",
    "MeetingHandout",
    "MeetingPage",
    "NewsIndexPage",
    "NewsPage",
    "ReportRow",
]
