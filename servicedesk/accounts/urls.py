from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from servicedesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("entrar/verificacao/", views.login_verify, name="login_verify"),
    path("sair/", views.LogoutView.as_view(), name="logout"),
    path(
        "senha/alterar/",
        views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path(
        "senha/alterada/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "senha/esqueci/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done")),
        name="password_reset",
    ),
    path(
        "senha/esqueci/enviado/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "senha/redefinir/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "senha/redefinida/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("convite/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("duas-etapas/", views.two_factor_setup, name="two_factor_setup"),
    path("duas-etapas/desativar/", views.two_factor_disable, name="two_factor_disable"),
]
