from .facility import FacilityIndexPage, FacilityPage, FacilityPhoto, FacilityService
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
