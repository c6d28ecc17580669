import shutil
import zipfile
from datetime import date

from conftest import run_cli

from newsdigest.build.write import MANIFEST
from newsdigest.pack import pack_name, pack_site


def test_pack_zips_the_whole_site_reproducibly(sample_output, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_output, site)
    first = pack_site(site, "News Digest", date(2025, 6, 12))
    assert first == tmp_path / "news-digest-2025-06-12.zip", (
        "beside the output, where a build never deletes it"
    )
    names = zipfile.ZipFile(first).namelist()
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(names) == [f"news-digest-2025-06-12/{f}" for f in files if f != MANIFEST], \
        "the site's files, but the build's own manifest, in one folder"
    assert "news-digest-2025-06-12/index.html" in names and "news-digest-2025-06-12/static/style.css" in names
    data = first.read_bytes()
    again = pack_site(site, "News Digest", date(2025, 6, 12))
    assert again.read_bytes() == data, "earlier packs are left out and entries carry fixed times"
    with zipfile.ZipFile(first) as archive:
        assert archive.read("news-digest-2025-06-12/index.html") == (site / "index.html").read_bytes()


def test_pack_command(fixture_site):
    result = run_cli("pack", "--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    [archive] = fixture_site.glob("fixture-digest-*.zip")
    assert "Packed the site into" in result.stdout and archive.name in result.stdout
    assert f"{archive.stem}/articles/second.html" in zipfile.ZipFile(archive).namelist()
    assert run_cli("--site", str(fixture_site)).returncode == 0 and archive.is_file(), "a build leaves it be"


def test_pack_name_for_a_title_without_letters():
    assert pack_name("???", date(2025, 1, 2)) == "site-2025-01-02.zip"


def test_pack_zips_only_what_the_build_wrote(fixture_site, tmp_path):
    """A .git checkout, notes and links kept in output/ stay out of the zip, and so does a file the build
    wrote that was replaced by a link to a file elsewhere."""
    assert run_cli("--site", str(fixture_site)).returncode == 0
    output = fixture_site / "output"
    (output / ".git").mkdir()
    (output / ".git" / "config").write_text("[remote]\n")
    (output / "notes.txt").write_text("mine")
    (output / "passwd.txt").symlink_to("/etc/passwd")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (output / "robots.txt").unlink()
    (output / "robots.txt").symlink_to(secret)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(output / "tags", elsewhere)
    shutil.rmtree(output / "tags")
    (output / "tags").symlink_to(elsewhere)
    result = run_cli("pack", "--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    [archive] = fixture_site.glob("fixture-digest-*.zip")
    names = {name.split("/", 1)[1] for name in zipfile.ZipFile(archive).namelist()}
    assert "index.html" in names and "articles/second.html" in names
    assert not {".git/config", "notes.txt", "passwd.txt", "robots.txt"} & names
    assert not [name for name in names if name.startswith("tags/")]
    assert all(b"secret" not in zipfile.ZipFile(archive).read(n) for n in zipfile.ZipFile(archive).namelist())
