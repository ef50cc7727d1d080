from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = _("Requests and offers")

    def ready(self) -> None:
        # What the lower apps call without knowing ads' words (docs/architecture.md).
        from accounts import personal_data
        from ads import notify
        from ads import personal_data as ads_data
        from ads.escalation import notify as escalation_notify
        from ads.escalation import personal_data as escalation_data
        from ads.moderation import notify as moderation_notify
        from ads.moderation import personal_data as moderation_data
        from notifications import messages

        personal_data.register("ads", erase=ads_data.erase, never_export={"ads.Ad.search_vector"})
        personal_data.register("ads.escalation", erase=escalation_data.erase)
        personal_data.register("ads.moderation", erase=moderation_data.erase)
        for texts in (notify.MESSAGES, escalation_notify.MESSAGES, moderation_notify.MESSAGES):
            messages.register(texts)
