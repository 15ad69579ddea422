"""The veteran's side of the API under /api/v1/my/: a code asked for a mobile number, the sign-in with
it (the session cookie, as the pages), the person's own file, the choice of whom the phone acts for,
and the sign-out. Other apps' veteran operations sit under /api/v1/my/<app>/ on `VisitorAuth`."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyCookie

from qunfang.core.audit import Origin, current_origin
from qunfang.core.middleware import client_address
from qunfang.lib.apitypes import ERRORS, Id, Text
from qunfang.portal import access, services


class VisitorAuth(APIKeyCookie):
    """A signed-in phone, by the session cookie and the CSRF header (as the staff's browser API)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        visitor = access.visitor_of(request)
        if visitor is not None:
            request.visitor = visitor
            current_origin.set(Origin(client_address(request), "api"))
        return visitor


router = Router(tags=["veterans' own pages"])


class CodeAskedIn(Schema):
    phone: Text = Field(..., max_length=20, description="the mobile number on the roll")


class CodeTypedIn(CodeAskedIn):
    code: Text = Field(..., max_length=12, description="the code sent by SMS")


class PortalAnswer(Schema):
    detail: str


class OwnFileOut(Schema):
    id: int
    name: str
    place: str
    category: str
    status: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")


class VisitorOut(Schema):
    acting_for: OwnFileOut
    people: list[OwnFileOut]


def _person(veteran) -> OwnFileOut:
    return OwnFileOut(
        id=veteran.pk,
        name=veteran.name,
        place=veteran.place.name,
        category=str(veteran.category_label),
        status=str(veteran.status_label),
        id_number=str(veteran.id_number),
        phone=str(veteran.phone or ""),
    )


@router.post("/my/code", auth=None, response={202: PortalAnswer, **ERRORS})
def ask_code(request, body: CodeAskedIn):
    """Send a sign-in code by SMS. The same answer whether or not the number is on the roll."""
    services.ask_code(body.phone, address=client_address(request))
    return Status(202, {"detail": _("If the number is on the roll, a code is on its way to it by SMS.")})


@router.post("/my/sign-in", auth=None, response={200: VisitorOut, **ERRORS})
def sign_in(request, body: CodeTypedIn):
    """Sign in with the code: the answer's session cookie signs the next requests in."""
    index = services.phone_index_of(body.phone)
    people = services.use_code(index, body.code)
    access.enter(request, index, people)
    return _me(access.visitor_of(request))


def _me(visitor) -> VisitorOut:
    return VisitorOut(acting_for=_person(visitor.veteran), people=[_person(v) for v in visitor.veterans])


@router.get("/my/me", auth=VisitorAuth(), response={200: VisitorOut, **ERRORS})
def me(request):
    """The signed-in phone's people, and whom it acts for now."""
    return _me(request.auth)


@router.post("/my/act-for/{veteran_id}", auth=VisitorAuth(), response={200: VisitorOut, **ERRORS})
def act_for(request, veteran_id: Id):
    """Act for another of the phone's people (a father and his son's phone)."""
    access.act_for(request, request.auth, veteran_id)
    return _me(access.visitor_of(request))


@router.post("/my/sign-out", auth=VisitorAuth(), response={200: PortalAnswer, **ERRORS})
def sign_out(request):
    access.leave(request)
    return {"detail": _("You have signed out.")}
