from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# Tokens made before expiry existed get the default lifetime from the day of the upgrade: no
# integration stops at once, none lives forever.
GRACE = timedelta(days=90)


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + GRACE)


class Migration(migrations.Migration):
    """Data: an expiry for every existing token."""

    dependencies = [
        ("api", "0002_apitoken_expires_at"),
    ]

    operations = [
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
    ]
