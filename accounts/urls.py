from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views, views_privacy

app_name = "accounts"
urlpatterns: list = [
    path("aanmelden/", views.signup, name="signup"),
    path("aanmelden/verstuurd/", views.signup_done, name="signup_done"),
    path("bevestigen/opnieuw/", views.confirm_resend, name="confirm_resend"),
    path("bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("inloggen/", views.login_view, name="login"),
    # Django's LogoutView answers only POST, so a link or an image cannot log anyone out.
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("wachtwoord-vergeten/klaar/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "wachtwoord-vergeten/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("profiel/", views.profile, name="profile"),
    path("mijn-gegevens/", views_privacy.export, name="privacy_export"),
    path("verwijderen/", views_privacy.delete, name="delete"),
]
