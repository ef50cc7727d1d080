from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactConsent(models.Model):
    """One person's yes to sharing their phone and street with one other person about one
    ad. Contact details are shown only when the author and the chosen helper have each
    said yes to the other; deleting the row withdraws it."""

    ad = models.ForeignKey("ads.Ad", on_delete=models.CASCADE, related_name="contact_consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_consents")
    # Tied to the person: a yes to one helper does not carry over to the next.
    counterpart = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("consent to share contact details")
        verbose_name_plural = _("consents to share contact details")
        constraints = [
            models.UniqueConstraint(fields=["ad", "user", "counterpart"], name="contact_consent_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.counterpart_id} on {self.ad_id}"
