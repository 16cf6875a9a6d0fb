from django.urls import path

from .models import TemplateType
from .views import api_keys, organisations, service, team, templates

app_name = "services"

S = "services/<uuid:service_id>"

urlpatterns = [
    path("your-services", service.your_services, name="your_services"),
    path("add-service", service.add_service, name="add_service"),
    path("invitation/<str:token>", team.accept_invite, name="accept_invite"),
    # Organisations (platform admins)
    path("organisations", organisations.organisations, name="organisations"),
    path("organisations/add", organisations.add_organisation, name="add_organisation"),
    path("organisations/<uuid:organisation_id>", organisations.organisation, name="organisation"),
    # One service
    path(S, service.service_home, name="service_home"),
    path(f"{S}/service-settings", service.service_settings, name="service_settings"),
    path(f"{S}/service-settings/name", service.change_setting, {"setting": "name"}, name="change_service_name"),
    path(
        f"{S}/service-settings/data-retention",
        service.change_setting,
        {"setting": "data_retention_days"},
        name="change_data_retention",
    ),
    path(
        f"{S}/service-settings/email-reply-to",
        service.change_setting,
        {"setting": "email_reply_to"},
        name="change_email_reply_to",
    ),
    path(
        f"{S}/service-settings/sms-sender", service.change_setting, {"setting": "sms_sender"}, name="change_sms_sender"
    ),
    path(f"{S}/service-settings/request-to-go-live", service.request_to_go_live, name="request_to_go_live"),
    path(f"{S}/service-settings/switch-live", service.switch_live, name="switch_live"),
    path(f"{S}/service-settings/archive", service.archive_service, name="archive_service"),
    path(f"{S}/service-settings/organisation", service.service_organisation, name="service_organisation"),
    # Team
    path(f"{S}/users", team.team_members, name="team_members"),
    path(f"{S}/users/invite", team.invite_user, name="invite_user"),
    path(f"{S}/users/<uuid:user_id>", team.edit_member, name="edit_member"),
    path(f"{S}/users/<uuid:user_id>/remove", team.remove_member, name="remove_member"),
    path(f"{S}/cancel-invite/<uuid:invite_id>", team.cancel_invite, name="cancel_invite"),
    # Templates
    path(f"{S}/templates", templates.template_list, name="template_list"),
    path(
        f"{S}/templates/add-email",
        templates.add_template,
        {"template_type": TemplateType.EMAIL},
        name="add_email_template",
    ),
    path(
        f"{S}/templates/add-sms", templates.add_template, {"template_type": TemplateType.SMS}, name="add_sms_template"
    ),
    path(f"{S}/templates/<uuid:template_id>", templates.template_detail, name="template_detail"),
    path(f"{S}/templates/<uuid:template_id>/edit", templates.edit_template, name="edit_template"),
    path(f"{S}/templates/<uuid:template_id>/copy", templates.copy_template, name="copy_template"),
    path(f"{S}/templates/<uuid:template_id>/delete", templates.archive_template, name="archive_template"),
    path(f"{S}/templates/<uuid:template_id>/preview", templates.preview_template, name="preview_template"),
    # API keys
    path(f"{S}/api/keys", api_keys.api_keys, name="api_keys"),
    path(f"{S}/api/keys/create", api_keys.create_api_key, name="create_api_key"),
    path(f"{S}/api/keys/<uuid:key_id>/revoke", api_keys.revoke_api_key, name="revoke_api_key"),
]
