"""The three roles, as Django groups, and the permissions each one holds.

The powers are derived from permission codenames, so a model added later gets the right
permissions by calling `sync_role_permissions` from its app's data migration:

- every role may view every record;
- compensation admins add and change records, and approve nothing;
- committee members approve (``approve_*``) and change nothing else;
- auditors and committee members read change history (``view_history*`` and the
  historical models' ``view_`` permissions); nobody writes history by hand.

Nobody but a superuser deletes: the audit trail depends on records staying.
"""

from django.apps import apps as global_apps

COMMITTEE = "Committee members"
ADMINS = "Compensation admins"
AUDITORS = "Auditors"
ROLES = (COMMITTEE, ADMINS, AUDITORS)


def role_for_codename(codename: str) -> tuple[str, ...]:
    if "_historical" in codename:
        # Change history is read, never written, and only by the committee and auditors.
        return (COMMITTEE, AUDITORS) if codename.startswith("view_") else ()
    if codename.startswith("view_history"):
        return (COMMITTEE, AUDITORS)
    if codename.startswith("view_"):
        return ROLES
    if codename.startswith(("add_", "change_")):
        return (ADMINS,)
    if codename.startswith("approve_"):
        return (COMMITTEE,)
    return ()


def sync_role_permissions(apps, app_label: str) -> None:
    """Create the groups if needed and give them the app's permissions (for migrations)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after `migrate`; a data migration needs them now.
    create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    for permission in Permission.objects.filter(content_type__app_label=app_label):
        for role in role_for_codename(permission.codename):
            groups[role].permissions.add(permission)
