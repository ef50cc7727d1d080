from django.urls import path

from ads.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("advertenties/<int:pk>/", views.ad_item, name="ad"),
    path("reacties/<int:pk>/", views.reply_item, name="reply"),
    path("bewoners/<int:pk>/", views.resident, name="resident"),
    path("melden/advertentie/<int:pk>/", views.report_ad, name="report_ad"),
    path("melden/reactie/<int:pk>/", views.report_reply, name="report_reply"),
]
