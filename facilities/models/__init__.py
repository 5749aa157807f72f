from .facility import FacilityPage, FacilityPhoto, FacilityService
from .imports import FacilityImport, FacilityImportFile, ImportKind, ImportStatus
from .index import FacilityIndexPage
from .taxonomy import Feature, Municipality, ServiceCategory, ServiceType, TargetGroup

__all__ = [
    "FacilityImport",
    "FacilityImportFile",
    "FacilityIndexPage",
    "ImportKind",
    "ImportStatus",
    "FacilityPage",
    "FacilityPhoto",
    "FacilityService",
    "Feature",
    "Municipality",
    "ServiceCategory",
    "ServiceType",
    "TargetGroup",
]
