from django.conf import settings
from django.contrib.auth.views import redirect_to_login

PUBLIC_PREFIXES = ("/accounts/login", "/static/", "/i18n/", "/api/", "/healthz", "/admin/login", "/calendar/feed/",
                   "/activities/calendar/feed/")


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except login, static files, health and token-authenticated API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
