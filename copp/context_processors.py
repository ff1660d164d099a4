from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "COPP_NAME": settings.COPP_NAME,
        "COPP_SHORT_NAME": settings.COPP_SHORT_NAME,
        "COPP_ADDRESS": settings.COPP_ADDRESS,
        "COPP_PHONE": settings.COPP_PHONE,
        "COPP_EMAIL": settings.COPP_EMAIL,
        # What the centre's own texts (programs, venues, consents) are written
        # in: pages in another language mark them with it.
        "CONTENT_LANGUAGE": settings.LANGUAGE_CODE,
        "HYPHENATION_AVAILABLE": settings.HYPHENATION_AVAILABLE,
    }
