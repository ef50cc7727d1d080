"""What erasing a person means for moderation (registered in AdsConfig.ready)."""

from accounts.personal_data import Erasure
from ads.moderation.models import ModerationDecision, Report


def erase(erasure: Erasure) -> None:
    """The notes of reports they filed, and the reasons workers gave about them."""
    Report._base_manager.filter(reporter=erasure.user).update(note="")
    ModerationDecision._base_manager.filter(subject=erasure.user).update(reason="")
