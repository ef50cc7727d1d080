"""What erasing a person means for the escalation ladder (registered in AdsConfig.ready)."""

from accounts.personal_data import Erasure
from ads.escalation.models import EscalationStep


def erase(erasure: Erasure) -> None:
    """Notes that staff wrote about the person's requests: they may hold their details."""
    EscalationStep._base_manager.filter(escalation__ad__author=erasure.user).update(note="")
