"""Checklists filed with a photo: the phone's JSON filing with its compressed photo (a data: URL, ~400 KB) and
ODK Collect's multipart submission with a camera's photo (~3 MB), against the same filing without a photo.

Prints the median and p95 of each, through the application (test client, SQLite in a scratch folder).

    .venv/bin/python bench/filing_photos.py [--filings 60]
"""

import argparse
import base64
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)
from scratch import scratch_folder  # noqa: E402

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.extensions import db  # noqa: E402


def _photo(size, quality) -> bytes:
    from PIL import Image

    picture = Image.merge("RGB", [Image.linear_gradient("L").resize(size), Image.effect_noise(size, 12),
                                  Image.radial_gradient("L").resize(size)])
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _figures(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label}: median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
          f"({len(times)} filings)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, default=60)
    args = parser.parse_args()
    folder = scratch_folder("photo-bench-")
    import electoral.extensions as extensions

    extensions.INSTANCE_PATH = folder  # the photos go to a scratch folder, not the instance's
    app = create_app(testing_config(f"sqlite:///{folder / 'bench.db'}"))
    with app.app_context(), speed_reported():
        db.create_all()
        from electoral.observation import services
        from electoral.observation.openrosa import services as openrosa
        from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist

        template = make_opening_checklist(publish=False)
        services.add_question(db.session, template, "PHOTO", "image", {"en": "Photo of the results form"},
                              required=False)
        services.publish(db.session, template)
        observers = [make_observer() for _ in range(3 * args.filings)]
        tokens = [services.create_token(db.session, o.user) for o in observers]
        passwords = [openrosa.set_device_password(db.session, o) for o in observers]
        db.session.commit()
        phone = _photo((2048, 1536), 80)
        camera = _photo((4000, 3000), 92)
        print(f"phone photo {len(phone) / 1024:.0f} KB (2048 x 1536), camera photo {len(camera) / 1024:.0f} KB "
              "(4000 x 3000)", flush=True)
        client = app.test_client()

        def api(index: int, answers: dict) -> float:
            body = {"client_id": f"bench-photo-{index:05d}", "template": "OPEN", "version": template.version,
                    "station_code": observers[index].station.code, "answers": answers}
            started = time.perf_counter()
            response = client.post("/api/v1/submissions", json=body,
                                   headers={"Authorization": f"Bearer {tokens[index]}"})
            elapsed = time.perf_counter() - started
            assert response.status_code == 201, response.get_json()
            return elapsed

        data_url = "data:image/jpeg;base64," + base64.b64encode(phone).decode()
        _figures("API filing without a photo", [api(i, dict(OPENING_OK)) for i in range(args.filings)])
        _figures("API filing with the phone's photo (data: URL)",
                 [api(args.filings + i, {**OPENING_OK, "PHOTO": data_url}) for i in range(args.filings)])

        xml_url = client.get("/openrosa/formList", headers=_basic(observers[0], passwords[0])).get_data(as_text=True)
        assert "downloadUrl" in xml_url
        times = []
        for i in range(2 * args.filings, 3 * args.filings):
            observer = observers[i]
            xml = (f'<data id="OPEN" version="{template.version}"><electoral_station>{observer.station.code}'
                   "</electoral_station><Q1>yes</Q1><Q3>yes</Q3><Q4>5</Q4><PHOTO>1701955200000.jpg</PHOTO>"
                   f"<meta><instanceID>uuid:bench-{i:05d}</instanceID></meta></data>").encode()
            started = time.perf_counter()
            response = client.post("/openrosa/submission", headers=_basic(observer, passwords[i]),
                                   content_type="multipart/form-data", data={
                                       "xml_submission_file": (io.BytesIO(xml), "submission.xml", "text/xml"),
                                       "1701955200000.jpg": (io.BytesIO(camera), "1701955200000.jpg", "image/jpeg")})
            times.append(time.perf_counter() - started)
            assert response.status_code == 201, response.data
        _figures("ODK Collect submission with a camera photo (multipart)", times)


def _basic(observer, password: str) -> dict:
    token = base64.b64encode(f"{observer.user.username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-OpenRosa-Version": "1.0"}


if __name__ == "__main__":
    main()
