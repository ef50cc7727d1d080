from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = _("Requests and offers")

    def ready(self) -> None:
        # What the lower apps call without knowing ads' words (docs/architecture.md).
        from accounts import personal_data
        from ads import personal_data as ads_data
        from ads.escalation import personal_data as escalation_data
        from ads.moderation import personal_data as moderation_data

        personal_data.register("ads", erase=ads_data.erase, never_export={"ads.Ad.search_vector"})
        personal_data.register("ads.escalation", erase=escalation_data.erase)
        personal_data.register("ads.moderation", erase=moderation_data.erase)
