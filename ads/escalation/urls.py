from django.urls import path

from ads.escalation import views

app_name = "escalations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/oppakken/", views.claim, name="claim"),
    path("<int:pk>/notitie/", views.note, name="note"),
    path("<int:pk>/afronden/", views.resolve, name="resolve"),
    path("<int:pk>/afwijzen/", views.decline, name="decline"),
    path("<int:pk>/teruggeven/", views.hand_back, name="hand_back"),
    path("advertenties/<int:pk>/toestemming/", views.consent, name="consent"),
]
