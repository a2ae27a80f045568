from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema: every token has an expiry."""

    dependencies = [
        ("api", "0003_apitoken_expiry_for_existing_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expira em"),
        ),
    ]
