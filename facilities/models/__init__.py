from .facility import FacilityIndexPage, FacilityPage, FacilityPhoto, FacilityService
from .taxonomy import Feature, Municipality, ServiceCategory, ServiceType, TargetGroup
from .vacancy import VacancyFigure, VacancyPage, VacancySettings

__all__ = [
    "FacilityIndexPage",
    "FacilityPage",
    "FacilityPhoto",
    "FacilityService",
    "Feature",
    "Municipality",
    "ServiceCategory",
    "ServiceType",
    "TargetGroup",
    "VacancyFigure",
    "VacancyPage",
    "VacancySettings",
]
