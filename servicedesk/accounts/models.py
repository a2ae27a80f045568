"""People and organizations: customer organizations, users (customers and staff), teams, training."""

import calendar as pycalendar
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q

from servicedesk.core.models import TimeStamped


class HostingMode(models.TextChoices):
    CLOUD = "cloud", "Cloud (hospedado pela WeConnect)"
    ON_PREMISE = "on_premise", "On-premise (servidor do cliente)"


class Organization(TimeStamped):
    """A customer organization with its SLA contract (domain.md §1, §4, §9)."""

    name = models.CharField("nome", max_length=160)
    slug = models.SlugField(max_length=80, unique=True)
    plan = models.ForeignKey("sla.Plan", on_delete=models.PROTECT, verbose_name="plano de SLA")
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="calendário",
        help_text="Vazio: o calendário padrão.",
    )
    support_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name="equipe de suporte",
        help_text="Recebe os chamados de suporte desta organização.",
    )
    hosting_mode = models.CharField(
        "hospedagem", max_length=20, choices=HostingMode.choices, default=HostingMode.ON_PREMISE
    )
    licensed_products = models.ManyToManyField("catalog.Product", blank=True, verbose_name="produtos licenciados")
    # For cloud customers the vendor keeps the installation up to date and records its version.
    cloud_release = models.ForeignKey(
        "catalog.Release", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="versão instalada (cloud)"
    )
    # Remote access authorization (domain.md §4). No credential is ever stored here.
    remote_access_authorized = models.BooleanField("acesso remoto autorizado", default=False)
    remote_access_sql = models.BooleanField("inclui sessão SQL", default=False)
    remote_access_authorized_by = models.CharField("autorizado por", max_length=160, blank=True)
    remote_access_until = models.DateField("autorizado até", null=True, blank=True)
    remote_access_notes = models.TextField("observações do acesso", blank=True)
    is_active = models.BooleanField("ativa", default=True)

    class Meta:
        verbose_name = "organização cliente"
        verbose_name_plural = "organizações clientes"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def remote_access_valid_on(self, day: date) -> bool:
        return self.remote_access_authorized and (self.remote_access_until is None or day <= self.remote_access_until)


class Role(models.TextChoices):
    CUSTOMER = "customer", "Usuário do cliente"
    ANALYST = "analyst", "Analista de suporte"
    MAINTENANCE = "maintenance", "Equipe de manutenção"
    COMMERCIAL = "commercial", "Equipe comercial"
    MANAGER = "manager", "Gestor de suporte"
    ADMIN = "admin", "Administrador"


STAFF_ROLES = frozenset({Role.ANALYST, Role.MAINTENANCE, Role.COMMERCIAL, Role.MANAGER, Role.ADMIN})


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes an administrator: a superuser is staff, never a customer.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A customer user (belongs to one organization) or a staff member (belongs to teams)."""

    objects = UserManager()

    role = models.CharField("papel", max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name="organização"
    )
    is_approver = models.BooleanField(
        "aprovador", default=False, help_text="Aceita ou recusa serviços faturados e valida relatórios de assessoria."
    )
    phone = models.CharField("telefone", max_length=40, blank=True)

    class Meta:
        verbose_name = "usuário"
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="customer") & Q(organization__isnull=False))
                | (~Q(role="customer") & Q(organization__isnull=True)),
                name="user_customer_has_organization",
            ),
        ]

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_support_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __str__(self) -> str:
        return self.label_for(self.first_name, self.last_name, self.username)

    @staticmethod
    def label_for(first_name: str, last_name: str, username: str) -> str:
        """How a person is named on screen: the full name, else the username (also for rows read
        as values, without a model)."""
        return f"{first_name} {last_name}".strip() or username


class TeamKind(models.TextChoices):
    SUPPORT = "support", "Suporte técnico"
    MAINTENANCE = "maintenance", "Manutenção"
    COMMERCIAL = "commercial", "Comercial"
    TRAINING = "training", "Treinamento"


class Team(TimeStamped):
    name = models.CharField("nome", max_length=120, unique=True)
    kind = models.CharField("tipo", max_length=20, choices=TeamKind.choices, default=TeamKind.SUPPORT)
    email = models.EmailField("e-mail da equipe", blank=True)
    members = models.ManyToManyField(User, blank=True, related_name="teams", verbose_name="membros")
    managers = models.ManyToManyField(User, blank=True, related_name="managed_teams", verbose_name="gestores")

    class Meta:
        verbose_name = "equipe"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(TimeStamped):
    """A completed training (domain.md §4). Only users with a valid one open tickets."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trainings", verbose_name="usuário")
    course = models.CharField("curso", max_length=160)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="produto"
    )
    completed_on = models.DateField("concluído em")
    expires_on = models.DateField("válido até", null=True, blank=True, help_text="Vazio: não expira.")

    class Meta:
        verbose_name = "registro de treinamento"
        verbose_name_plural = "registros de treinamento"
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
                name="training_expiry_after_completion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.course}"

    def is_valid_on(self, day: date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)


class OperationalDeadline(TimeStamped):
    """A recurring HR process deadline of an organization (domain.md §9), e.g. payroll on day 25."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="operational_deadlines")
    process = models.CharField("processo", max_length=120)
    day_of_month = models.PositiveSmallIntegerField("dia do mês")
    notes = models.CharField("observações", max_length=200, blank=True)

    class Meta:
        verbose_name = "prazo do cronograma operacional"
        verbose_name_plural = "cronograma operacional"
        ordering = ["organization", "day_of_month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=31), name="deadline_day_in_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.process} (dia {self.day_of_month})"

    def next_date(self, today: date) -> date:
        """The next occurrence on or after `today`; day 31 falls on the month's last day."""
        year, month = today.year, today.month
        for _ in range(2):
            last = pycalendar.monthrange(year, month)[1]
            candidate = date(year, month, min(self.day_of_month, last))
            if candidate >= today:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return candidate


class SecurityPolicy(models.Model):
    """Back-office security switches (one row). Administrators edit it in the admin."""

    require_staff_2fa = models.BooleanField(
        "exigir verificação em duas etapas da equipe",
        default=False,
        help_text="A equipe WeConnect só usa o console depois de ativar um dispositivo TOTP.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "política de segurança"
        verbose_name_plural = "política de segurança"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="securitypolicy_single_row")]

    def __str__(self) -> str:
        return "Política de segurança"


class LoginGuardScope(models.TextChoices):
    PAIR = "pair", "usuário neste endereço"
    USER = "user", "usuário, de qualquer endereço"
    ADDRESS = "address", "endereço, qualquer usuário"


class LoginThrottle(models.Model):
    """A counter of failed password attempts for one key (accounts/login_guard.py).

    ``failures`` counts attempts *reserved* before the password is checked and not released by a
    right password; ``blocked_until`` is when the next attempt may be evaluated. Deleting the row
    unlocks the key (the admin's "desbloquear").
    """

    scope = models.CharField("abrangência", max_length=10, choices=LoginGuardScope.choices)
    username = models.CharField("usuário", max_length=150, blank=True)
    address = models.CharField("endereço", max_length=64, blank=True)
    failures = models.PositiveIntegerField("tentativas falhas", default=0)
    last_failure_at = models.DateTimeField("última tentativa", null=True, blank=True)
    blocked_until = models.DateTimeField("bloqueado até", null=True, blank=True)

    class Meta:
        verbose_name = "bloqueio de login"
        verbose_name_plural = "bloqueios de login"
        ordering = ["-last_failure_at"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "username", "address"], name="loginthrottle_one_row_per_key")
        ]
        indexes = [models.Index(fields=["last_failure_at"], name="loginthrottle_last_failure_idx")]

    def __str__(self) -> str:
        return " · ".join(part for part in (self.username, self.address) if part) or self.scope
