from django.urls import path

from ads import views
from ads.contact import views as contact_views

app_name = "ads"
urlpatterns = [
    path("buurt/<slug:slug>/", views.board, name="board"),
    path("advertenties/nieuw/", views.create, name="create"),
    path("advertenties/<int:pk>/", views.detail, name="detail"),
    path("advertenties/<int:pk>/bewerken/", views.edit, name="edit"),
    path("advertenties/<int:pk>/reageren/", views.reply, name="reply"),
    path("advertenties/<int:pk>/helper/", views.helper, name="helper"),
    path("advertenties/<int:pk>/afsluiten/", views.close, name="close"),
    path("advertenties/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("advertenties/<int:pk>/verlengen/", views.renew, name="renew"),
    path("advertenties/<int:pk>/contact/delen/", contact_views.share, name="contact_share"),
    path("advertenties/<int:pk>/contact/stoppen/", contact_views.withdraw, name="contact_withdraw"),
    path("mijn/advertenties/", views.mine, name="mine"),
    path("mijn/gesprekken/", views.conversations, name="conversations"),
]
