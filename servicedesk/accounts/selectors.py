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
