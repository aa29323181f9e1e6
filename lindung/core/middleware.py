"""Indonesian first: the language is the one the user chose, never the browser's guess."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` without ``Accept-Language``.

    Office computers often run an English browser; the clerks still work in Indonesian. A
    user who wants English picks it on the page (the language cookie), and keeps it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
