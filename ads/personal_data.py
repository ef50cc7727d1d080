"""What erasing a person means for ads (registered in AdsConfig.ready; see
accounts/personal_data.py): what they wrote is blanked, their own ads are taken down."""

from accounts.personal_data import Erasure
from ads.models import Ad, Reply
from ads.notify import AD_TARGET
from notifications.services import notification_params_erase


def erase(erasure: Erasure) -> None:
    """Their messages in any conversation, their own ads (withdrawn while running, hidden),
    and the copies of those ads' titles in other people's notifications."""
    user, removed = erasure.user, erasure.removed
    Reply._base_manager.filter(author=user).update(body=removed)
    own_ads = Ad._base_manager.filter(author=user)
    own_ads.update(title=removed, description=removed, thanks="")
    running = own_ads.filter(status__in=[Ad.Status.OPEN, Ad.Status.MATCHED])
    running.update(status=Ad.Status.WITHDRAWN, closed_at=erasure.now)
    own_ads.update(moderation=Ad.Moderation.HIDDEN)
    ad_ids = list(own_ads.values_list("pk", flat=True))
    notification_params_erase(target_type=AD_TARGET, target_ids=ad_ids, key="title", value=removed)
