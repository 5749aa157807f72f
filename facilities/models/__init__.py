from .facility import FacilityPage, FacilityPhoto, FacilityService
from .index import FacilityIndexPage
from .taxonomy import Feature, Municipality, ServiceCategory, ServiceType, TargetGroup

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
]
