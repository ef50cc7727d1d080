from django.urls import path

from accounts import views_places

app_name = "places"
urlpatterns: list = [
    path("postcodes/", views_places.postcodes, name="postcodes"),
]
