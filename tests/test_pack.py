import shutil
import zipfile
from datetime import date

from conftest import run_cli
from newsdigest.pack import pack_name, pack_site
from newsdigest.write import MANIFEST


def test_pack_zips_the_whole_site_reproducibly(sample_output, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_output, site)
    first = pack_site(site, "News Digest", date(2025, 6, 12))
    assert first == site / "news-digest-2025-06-12.zip"
    names = zipfile.ZipFile(first).namelist()
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p != first)
    assert sorted(names) == [f for f in files if f != MANIFEST], "the site's files, but the build's own manifest"
    assert "index.html" in names and "static/style.css" in names
    data = first.read_bytes()
    again = pack_site(site, "News Digest", date(2025, 6, 12))
    assert again.read_bytes() == data, "earlier packs are left out and entries carry fixed times"
    with zipfile.ZipFile(first) as archive:
        assert archive.read("index.html") == (site / "index.html").read_bytes()


def test_pack_command(fixture_site):
    result = run_cli("pack", "--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    [archive] = (fixture_site / "output").glob("fixture-digest-*.zip")
    assert "Packed the site into" in result.stdout and archive.name in result.stdout
    assert "articles/second.html" in zipfile.ZipFile(archive).namelist()


def test_pack_name_for_a_title_without_letters():
    assert pack_name("???", date(2025, 1, 2)) == "site-2025-01-02.zip"
