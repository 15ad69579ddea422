from django.db import migrations, models


def fingerprint_existing_tokens(apps, schema_editor):
    # The historical model has no get_session_auth_hash: rebuild it the way AbstractBaseUser does.
    from django.utils.crypto import salted_hmac

    AccessToken = apps.get_model("core", "AccessToken")
    for token in AccessToken.objects.select_related("user"):
        token.password_hash = salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            token.user.password,
            algorithm="sha256",
        ).hexdigest()
        token.save(update_fields=["password_hash"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_import_job")]

    operations = [
        migrations.AddField(
            model_name="accesstoken",
            name="password_hash",
            field=models.CharField(default="", max_length=128),
        ),
        migrations.RunPython(fingerprint_existing_tokens, migrations.RunPython.noop),
    ]
