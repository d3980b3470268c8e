from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class TrancheUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("reset_two_factor", None)
        return actions

    @admin.action(description="Reset two-factor sign-in (they enrol again at next sign-in)")
    def reset_two_factor(self, request, queryset):
        """For a person who lost both the authenticator and the backup codes: remove
        their devices, so that the next sign-in enrols a new authenticator. Recorded in
        the admin's history with who did it."""
        if not request.user.is_superuser:
            return
        with transaction.atomic():
            for user in queryset:
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                self.log_change(
                    request,
                    user,
                    "Two-factor sign-in reset: authenticator and backup codes removed; "
                    "the user enrols again at the next sign-in.",
                )
        messages.success(request, f"Two-factor sign-in reset for {queryset.count()} user(s).")
