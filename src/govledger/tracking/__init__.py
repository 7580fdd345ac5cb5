"""Tracking: each contract's progress against plan (the S-curve Indonesian project monitoring uses) and
where it is stuck (which milestone waits for whom, for how many days), computed from the read model."""

from .progress import Point, Progress, now_of, progress, progress_all
from .stuck import AgencyBottlenecks, Wait, bottlenecks, waits
from .svg import s_curve_svg

__all__ = ["AgencyBottlenecks", "Point", "Progress", "Wait", "bottlenecks", "now_of", "progress", "progress_all", "s_curve_svg", "waits"]
