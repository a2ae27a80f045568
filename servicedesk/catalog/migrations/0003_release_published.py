"""Releases get a published state (issue 11, release awareness). The releases already in the
catalog are out (their launch date has come): they count as published at noon, Brasília time, of
that date, so a ticket linked to one of them is announced at once. A release launched later
waits for `release_publish`.

(One migration with the schema and its data step: this change has one catalog migration slot.)"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def publish_released(apps, schema_editor):
    from servicedesk.core import clock

    brasilia = ZoneInfo("America/Sao_Paulo")
    today = clock.now().astimezone(brasilia).date()
    Release = apps.get_model("catalog", "Release")
    for release in Release.objects.filter(released_on__lte=today, published_at__isnull=True):
        release.published_at = datetime.combine(release.released_on, time(12), tzinfo=brasilia)
        release.save(update_fields=["published_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_ptbr_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='release',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='publicada em'),
        ),
        migrations.AddField(
            model_name='release',
            name='published_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='publicada por'),
        ),
        migrations.RunPython(publish_released, migrations.RunPython.noop),
    ]
