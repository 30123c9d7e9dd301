"""Replace Wagtail's welcome page with our English HomePage and point the site at it."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("pages", "HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    home_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="pages")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Social Enterprise Support Network",
        draft_title="Social Enterprise Support Network",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.get(language_code="en"),
        live=True,
        intro="The knowledge and networking hub for social entrepreneurs around the Baltic Sea.",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.id,
                  "site_name": "Social Enterprise Support Network"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("cms", "0001_locales"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, migrations.RunPython.noop)]
