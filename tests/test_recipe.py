"""The build's recipe: one list of producers, from which every output file comes."""

from __future__ import annotations

from functools import partial

from conftest import build_site_into, parse_html

from newsdigest.build import recipe
from newsdigest.build.jobs import Job, Plan, PlanInputs, Producer
from newsdigest.build.pages import Page
from newsdigest.build.render import render_page
from newsdigest.build.write import MANIFEST, listed_files


def newsletter_jobs(inputs: PlanInputs) -> Plan:
    """A weekly newsletter page, as a site or a contributor would add one: a producer and a template."""
    page = Page("newsletter.html", "newsletter.html", "This week", {"articles": inputs.site.articles[:3]})
    make = partial(render_page, inputs.env, page, inputs.config, inputs.site.topic_names())
    fingerprint = inputs.fingerprint(inputs.key, inputs.templates["newsletter.html"], page.path, page.context)
    return Plan([Job(page.path, fingerprint, lambda: make().encode("utf-8"))])


def test_a_new_kind_of_output_is_a_producer_a_template_and_a_line_in_the_recipe(fixture_site, monkeypatch):
    (fixture_site / "templates").mkdir(exist_ok=True)
    (fixture_site / "templates" / "newsletter.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1><ol>'
        "{% for article in articles %}<li>{{ article.title }}</li>{% endfor %}</ol>{% endblock %}\n")
    monkeypatch.setattr(recipe, "PRODUCERS", recipe.PRODUCERS + (Producer("newsletter", newsletter_jobs),))
    output = fixture_site / "output"
    assert build_site_into(fixture_site, output).errors == []
    newsletter = parse_html(output / "newsletter.html")
    assert newsletter.h1.get_text() == "This week" and len(newsletter.select("ol li")) == 3
    assert "newsletter.html" in listed_files(output)
    # Rebuilt with nothing changed, it is not made again; without its line and template, the build removes it.
    again = build_site_into(fixture_site, output)
    assert again.up_to_date and again.written == 0
    monkeypatch.undo()
    (fixture_site / "templates" / "newsletter.html").unlink()
    assert build_site_into(fixture_site, output).removed == 1
    assert not (output / "newsletter.html").exists()


def test_every_file_of_the_site_comes_from_one_producer_of_the_recipe(fixture_site, monkeypatch):
    made: dict[str, list[str]] = {}

    def recorded(producer: Producer) -> Producer:
        def plan(inputs: PlanInputs) -> Plan:
            planned = producer.plan(inputs)
            made[producer.name] = [job.path for job in planned.jobs]
            return planned
        return Producer(producer.name, plan, producer.before_pages)

    monkeypatch.setattr(recipe, "PRODUCERS", tuple(map(recorded, recipe.PRODUCERS)))
    output = fixture_site / "output"
    assert build_site_into(fixture_site, output).errors == []
    assert made.keys() == {producer.name for producer in recipe.PRODUCERS}
    paths = [path for made_by_one in made.values() for path in made_by_one]
    assert len(paths) == len(set(paths)), "no file is made by two producers"
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    assert on_disk == set(paths) | {MANIFEST}
    assert {"feed.xml", "atom.xml", "feed.json", "robots.txt", ".nojekyll", "index.html"} <= set(paths)
