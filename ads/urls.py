from django.urls import path

app_name = "ads"
urlpatterns: list = []
