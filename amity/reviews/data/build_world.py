"""Build ``world-110m.json`` (country outlines as ready SVG paths) from the npm package world-atlas 2.0.2.

Run once by hand, offline, after ``npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz``:

    python amity/reviews/data/build_world.py package/countries-110m.json amity/reviews/data/world-110m.json

world-atlas (ISC licence, Copyright 2013-2019 Michael Bostock) packages Natural Earth 1:110m admin-0
countries (public domain). The TopoJSON arcs are decoded here, projected (plate carrée, Antarctica
dropped, latitudes 84N..58S) and written as SVG path data keyed by ISO 3166-1 alpha-2 code.
"""

from __future__ import annotations

import json
import sys

import pycountry

WIDTH = 960
NORTH, SOUTH = 84.0, -58.0
HEIGHT = round((NORTH - SOUTH) / 360 * WIDTH)
SPECIAL = {"-99": None}
NAME_TO_ISO2 = {"Kosovo": "XK", "N. Cyprus": "", "Somaliland": ""}


def decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    out = []
    for index in ring:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        out.extend(points if not out else points[1:])
    return out


def project(lon, lat):
    lat = max(min(lat, NORTH), SOUTH)
    return (lon + 180) / 360 * WIDTH, (NORTH - lat) / (NORTH - SOUTH) * HEIGHT


def unwrap(ring):
    """Make longitudes continuous (no jump of 360 degrees across the antimeridian) and return the copies
    needed to draw the ring on both edges of the map."""
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        out.append((lon, lat))
    copies = [out]
    if max(p[0] for p in out) > 180:
        copies.append([(lon - 360, lat) for lon, lat in out])
    if min(p[0] for p in out) < -180:
        copies.append([(lon + 360, lat) for lon, lat in out])
    return copies


def path_for(polygons, arcs) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            for copy in unwrap(ring_points(ring, arcs)):
                cleaned = []
                for x, y in (project(*p) for p in copy):
                    xy = (round(x, 1), round(y, 1))
                    if not cleaned or cleaned[-1] != xy:
                        cleaned.append(xy)
                if len(cleaned) < 3:
                    continue
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in cleaned) + "Z")
    return "".join(parts)


def main(src: str, dst: str) -> None:
    with open(src, encoding="utf-8") as fh:
        topology = json.load(fh)
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        if name == "Antarctica":
            continue
        iso2 = NAME_TO_ISO2.get(name)
        if iso2 is None:
            country = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3))
            iso2 = country.alpha_2 if country else ""
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        countries.append({"iso2": iso2, "name": name, "d": path_for(polygons, arcs)})
    data = {
        "source": "world-atlas 2.0.2 countries-110m.json (npm; ISC licence, Copyright 2013-2019 Michael Bostock), "
                  "from Natural Earth 1:110m admin-0 countries (public domain)",
        "projection": f"plate carree, {NORTH}N..{-SOUTH}S, {WIDTH}x{HEIGHT}",
        "width": WIDTH,
        "height": HEIGHT,
        "countries": countries,
    }
    with open(dst, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
