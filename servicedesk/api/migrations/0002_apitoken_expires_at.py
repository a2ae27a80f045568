from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema: tokens get an expiry (nullable until 0003 fills the existing rows)."""

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expira em"),
        ),
    ]
