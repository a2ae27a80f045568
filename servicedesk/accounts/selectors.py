from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from servicedesk.accounts.models import Role, User


def local_date(moment: datetime) -> date:
    """The Brasília calendar date of an aware instant."""
    return moment.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()


def user_is_trained(user: User, *, on: date) -> bool:
    """domain.md §4: a valid (completed, not expired) training record."""
    return (
        user.trainings.filter(completed_on__lte=on).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on)).exists()
    )


def staff_list(*, active: bool = True):
    return User.objects.exclude(role=Role.CUSTOMER).filter(is_active=active).order_by("first_name", "username")


def staff_2fa_required() -> bool:
    """Staff must use TOTP: forced by the REQUIRE_STAFF_2FA setting, or switched on by an
    administrator (SecurityPolicy, read through the cache: it is asked on every staff request)."""
    from django.core.cache import cache

    from servicedesk.accounts.models import SecurityPolicy

    if settings.REQUIRE_STAFF_2FA:
        return True
    required = cache.get(SECURITY_POLICY_CACHE_KEY)
    if required is None:
        required = SecurityPolicy.objects.filter(pk=1, require_staff_2fa=True).exists()
        cache.set(SECURITY_POLICY_CACHE_KEY, required, 60)
    return required


SECURITY_POLICY_CACHE_KEY = "accounts:staff-2fa-required"


def second_factor_missing(request) -> bool:
    """The session was opened with the password alone, yet this user must show a TOTP code:
    they have a confirmed device, or they are staff (or admin-site staff) while 2FA is required."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return True
    staff = user.is_staff or user.is_superuser or getattr(user, "is_support_staff", False)
    return staff and staff_2fa_required()
