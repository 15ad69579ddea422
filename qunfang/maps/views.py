"""Maps' pages: importing boundaries (a dry run first, listing the places still without a shape, the
shapes naming no place of ours and the wrong ones; then the import, all or nothing), importing stations'
positions the same way, and one station's position set by hand. The map itself is a card of the
dashboard (templatetags/district_map.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import requires
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, place_for
from qunfang.lib.tables import TableError
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import UploadNotSaved, delete_upload, open_upload, save_upload, uploads_older_than
from qunfang.maps import reading, services
from qunfang.maps.forms import PositionForm, PositionsFileForm, ShapesFileForm
from qunfang.maps.geometry import GeoError
from qunfang.maps.models import PlaceShape, StationPosition
from qunfang.maps.selectors import MANAGE

SALT = "qunfang.maps.import"
TOKEN_HOURS = 2


@requires(MANAGE)
@api_twin("qunfang.maps.api.import_shapes")
def shapes_import(request, place_id: int):
    return _import_page(request, place_for(request, place_id, MANAGE), "shapes")


@requires(MANAGE)
@api_twin("qunfang.maps.api.import_positions")
def positions_import(request, place_id: int):
    return _import_page(request, place_for(request, place_id, MANAGE), "positions")


KINDS = {
    "shapes": (ShapesFileForm, reading.shapes_from, services.import_shapes, PlaceShape),
    "positions": (PositionsFileForm, reading.positions_from, services.import_positions, StationPosition),
}


def _import_page(request, place, kind: str):
    """GET: the form. POST with a file: the dry run, the file kept for the import. POST with the dry
    run's token: the import of that very file, all or nothing."""
    form_class, read, write, model = KINDS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    found = token = None
    if request.method == "POST" and request.POST.get("token"):
        done = _confirmed(request, place, kind, write)
        if done:
            return done
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            features = read(upload)
            found = services.plan(place=place, features=features, positions=kind == "positions")
            if found.may_import:
                _forget_old_checks()
                relative = save_upload(upload, "maps")
                token = signing.dumps(
                    {"f": relative, "p": place.pk, "k": kind, "u": request.user.pk}, salt=SALT
                )
        except (GeoError, TableError, UploadNotSaved) as error:
            form.add_error("file", str(error))
    return render(
        request,
        f"maps/import_{kind}.html",
        {
            "place": place,
            "form": form,
            "plan": found,
            "token": token,
            "kept": model.objects.under(place).count(),
        },
    )


def _forget_old_checks() -> None:
    """The files of dry runs never confirmed go once their token has run out."""
    for kept in uploads_older_than("maps", TOKEN_HOURS * 3600):
        delete_upload(kept)


def _confirmed(request, place, kind: str, write):
    try:
        data = signing.loads(request.POST["token"], salt=SALT, max_age=TOKEN_HOURS * 3600)
    except signing.BadSignature:
        messages.error(request, _("This check is too old or not ours: send the file again."))
        return redirect(request.path)
    if (data.get("p"), data.get("k"), data.get("u")) != (place.pk, kind, request.user.pk):
        messages.error(request, _("This check is too old or not ours: send the file again."))
        return redirect(request.path)
    read = KINDS[kind][1]
    try:
        with open_upload(data["f"]) as upload:
            features = read(upload)
        found = write(by=request.user, place=place, features=features)
    except FileNotFoundError:
        messages.error(request, _("This check is too old or not ours: send the file again."))
        return redirect(request.path)
    except (GeoError, TableError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(request.path)
    delete_upload(data["f"])
    messages.success(request, _("Imported for %(count)s places.") % {"count": len(found.matched)})
    return redirect(reverse("briefings:dashboard", args=[place.pk]))


@requires(Capability.EDIT_STATION)
@api_twin("qunfang.maps.api.save_position")
def position_edit(request, place_id: int):
    place = place_for(request, place_id, Capability.EDIT_STATION)
    kept = StationPosition.objects.filter(place=place).first()
    initial = {"lon": kept.lon, "lat": kept.lat} if kept else {}
    return form_page(
        request,
        PositionForm(request.POST or None, initial=initial),
        title=_("Position of %(place)s on the map") % {"place": place.name},
        place=place,
        save=lambda data: services.save_position(
            by=request.user, place=place, lon=data["lon"], lat=data["lat"]
        ),
        done=lambda position: (_("Position saved."), reverse("core:place", args=[place.pk])),
    )
