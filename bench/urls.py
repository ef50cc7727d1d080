from django.urls import include, path

from bench import views
from samsam.urls import handler404  # noqa: F401  (Django looks it up in ROOT_URLCONF)

urlpatterns = [
    path("bench/trivial/", views.trivial),
    path("bench/raw/", views.raw_list),
    path("", include("samsam.urls")),
]
