"""Certificates as the people who see their class read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from hocvuso.learning.models import Certificate, ClassSession
from hocvuso.learning.selectors import classes_visible_to

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


def certificates_of(session: ClassSession) -> QuerySet[Certificate]:
    """The certificates of a class, for a person already allowed to see it."""
    return (
        Certificate.objects.filter(enrolment__session=session)
        .select_related("enrolment__session__course")
        .order_by("holder_name", "code")
    )


def get_certificate_for_user(user: User, pk: int) -> Certificate:
    """The certificate ``pk`` if ``user`` sees its class, else 404 (a certificate whose
    enrolment is gone is reached only through ``/verify/``)."""
    certificate = (
        Certificate.objects.filter(enrolment__session__in=classes_visible_to(user).values("pk"))
        .select_related("enrolment__session__course", "enrolment__session__host")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate
