import pytest

from tests import factories


@pytest.mark.django_db
def test_admin_dashboard_renders_for_superuser(admin_client):
    assert admin_client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_draft_enterprise_is_not_public_until_published():
    enterprise = factories.SocialEnterpriseFactory(live=False)
    model = type(enterprise)
    assert enterprise not in model.objects.public()
    enterprise.save_revision().publish()
    assert enterprise in model.objects.public()
