from django.urls import path

from servicedesk.core.ratelimit import throttle_posts
from servicedesk.portal import knowledge_views

app_name = "knowledge"

limit_feedback = throttle_posts("kb-feedback", limit_setting="PORTAL_REPLIES_PER_HOUR")
urlpatterns = [
    path("", knowledge_views.home, name="home"),
    path("imagens/<int:pk>/", knowledge_views.article_image, name="image"),
    path("<slug:slug>/", knowledge_views.article, name="article"),
    path("<slug:slug>/avaliar/", limit_feedback(knowledge_views.article_feedback), name="article_feedback"),
    path("<slug:slug>/resolveu/", limit_feedback(knowledge_views.article_solved), name="article_solved"),
]
