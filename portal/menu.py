"""Admin menu items shared by the apps."""

from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users who hold a permission (any one of several, if a tuple
    is given)."""

    def __init__(self, label, url, permission, **kwargs):
        super().__init__(label, url, **kwargs)
        self.permissions = (permission,) if isinstance(permission, str) else tuple(permission)

    def is_shown(self, request):
        return any(request.user.has_perm(p) for p in self.permissions)
