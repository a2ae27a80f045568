from django.urls import path

from servicedesk.portal import survey_views

app_name = "surveys"
urlpatterns = [
    path("<str:token>/", survey_views.answer, name="answer"),
]
