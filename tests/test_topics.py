
from conftest import SAMPLE_SITE

from newsdigest.config import Rules, TagRule, TopicRule
from newsdigest.ingest.topics import assign_tags, assign_topics, phrase_pattern, rule_score

RARE = TopicRule(id="rare-earths", keywords={"rare earth": 2, "REE": 2, "magnet": 1}, threshold=3)
POLITICS = TopicRule(id="politics", keywords={"election": 2, "parliament": 2}, threshold=4)
RULES = Rules(
    topics=(RARE, POLITICS), tags=(TagRule("autos", keywords={"auto": 1, "automakers": 2}, threshold=2),)
)


def names(assignments) -> list[str]:
    return [found.name for found in assignments]


def test_case_matters_only_for_phrases_with_capitals():
    assert phrase_pattern("REE").findall("REE exports, free trade, ree") == ["REE"]
    assert phrase_pattern("rare earth").findall("Rare Earth and rare  earths and rare earth") == [
        "Rare Earth",
        "rare earth",
    ]


def test_whole_words_only():
    assert not phrase_pattern("auto").findall("automatic autonomy")
    assert phrase_pattern("auto").findall("the auto sector, auto-parts") == ["auto", "auto"]


def test_one_passing_mention_is_not_enough():
    assert names(assign_topics("", "A magnet fell off the fridge.", RULES)) == []
    assert names(assign_topics("", "The election was held today.", RULES)) == []
    assert names(assign_topics("", "Rare earth prices rose; REE exports resumed.", RULES)) == ["rare-earths"]


def test_repeats_are_capped():
    assert rule_score("", "magnet " * 10, TopicRule(id="m", keywords={"magnet": 1}))[0] == 3


def test_tags():
    assert names(assign_tags("", "Automakers said the auto sector is hit.", RULES)) == ["autos"]
    assert names(assign_tags("", "An auto rickshaw.", RULES)) == []


def test_the_sample_site_rules_classify_the_sample():
    from conftest import SAMPLES

    from newsdigest.config import load_config, load_rules
    from newsdigest.ingest.textclean import clean_text
    config = load_rules(load_config(SAMPLE_SITE))
    extracted = clean_text(next((SAMPLES / "raw").glob("*.txt")).read_text(encoding="utf-8"))
    body = "\n".join(extracted.paragraphs)
    topics = names(assign_topics(extracted.title, body, config))
    assert topics == ["rare-earths", "india-china-relations"]
    assert "south-asia-politics" not in topics
    assert names(assign_tags(extracted.title, body, config)) == [
        "Export controls",
        "Supply chains",
        "Autos",
        "Trade",
    ]


def test_all_groups_must_each_appear_and_none_keeps_out():
    rule = TopicRule(id="ic", keywords={"border": 2, "talks": 2}, threshold=3,
                 all=(("India", "Indian"), ("China", "Chinese")), none=("cricket",))
    config = Rules(topics=(rule,))
    assert names(assign_topics("", "Border talks: India and China held talks.", config)) == ["ic"]
    assert names(assign_topics("", "Border talks: India held talks.", config)) == [], "China is required too"
    assert names(assign_topics("", "Border talks on cricket: India and China.", config)) == [], (
        "none keeps out"
    )


def test_the_headline_weighs_more_and_the_reasons_are_given():
    rule = TopicRule(id="rare", keywords={"rare earth": 2}, threshold=4)
    config = Rules(topics=(rule,))
    assert names(assign_topics("", "Rare earth output rose.", config)) == []
    [found] = assign_topics("Rare earth talks", "Rare earth output rose.", config)
    assert str(found) == "rare (rare earth in the headline)"
    [found] = assign_topics("", "rare earth, rare earth and rare earth again, rare earth", config)
    assert found.reasons == ("rare earth ×3",)


def test_the_sample_rules_keep_other_stories_out_of_india_china_relations():
    from newsdigest.config import load_config, load_rules
    config = load_rules(load_config(SAMPLE_SITE))
    stories = {
        "US, China agree to pause tariffs after Geneva trade talks": (
            "Washington and Beijing agreed on Monday to cut tariffs for 90 days after talks in Geneva. "
            "Chinese officials said the trade war had hurt both sides. Markets in India and Europe rose on "
            "the news, and analysts said China would buy more American farm goods."),
        "Delhi chokes as air quality turns severe": (
            "New Delhi woke to thick smog on Tuesday as the air quality index crossed 450. Doctors in India "
            "urged children to stay indoors. Officials said Beijing had cut its smog in a decade with strict "
            "rules, and Delhi should learn from China's example."),
    }
    for title, body in stories.items():
        assert "india-china-relations" not in names(assign_topics(title, body, config)), title
    talks = (
        "India, China hold border talks",
        "Indian and Chinese diplomats met in Beijing to discuss the "
        "Line of Actual Control. India said the border talks were constructive; China agreed to meet again.",
    )
    assert "india-china-relations" in names(assign_topics(*talks, config))
