from pathlib import Path

from newsdigest.config import Config, TagRule, Topic
from newsdigest.topics import assign_tags, assign_topics, phrase_pattern, rule_score

RARE = Topic("rare-earths", "Rare earths", keywords={"rare earth": 2, "REE": 2, "magnet": 1}, threshold=3)
POLITICS = Topic("politics", "Politics", keywords={"election": 2, "parliament": 2}, threshold=4)
CONFIG = Config(topics=(RARE, POLITICS), tags=(TagRule("autos", {"auto": 1, "automakers": 2}, 2),))


def test_case_matters_only_for_phrases_with_capitals():
    assert phrase_pattern("REE").findall("REE exports, free trade, ree") == ["REE"]
    assert phrase_pattern("rare earth").findall("Rare Earth and rare  earths and rare earth") == ["Rare Earth", "rare earth"]


def test_whole_words_only():
    assert not phrase_pattern("auto").findall("automatic autonomy")
    assert phrase_pattern("auto").findall("the auto sector, auto-parts") == ["auto", "auto"]


def test_one_passing_mention_is_not_enough():
    assert assign_topics("A magnet fell off the fridge.", CONFIG) == []
    assert assign_topics("The election was held today.", CONFIG) == []
    assert assign_topics("Rare earth prices rose; REE exports resumed.", CONFIG) == ["rare-earths"]


def test_repeats_are_capped():
    assert rule_score("magnet " * 10, {"magnet": 1}) == 3


def test_tags():
    assert assign_tags("Automakers said the auto sector is hit.", CONFIG) == ["autos"]
    assert assign_tags("An auto rickshaw.", CONFIG) == []


def test_the_sample_site_rules_classify_the_sample():
    from newsdigest.config import load_config
    from newsdigest.textclean import clean_text
    from conftest import SAMPLES
    config = load_config(Path(__file__).resolve().parent.parent)
    extracted = clean_text(next((SAMPLES / "raw").glob("*.txt")).read_text(encoding="utf-8"))
    text = extracted.title + "\n" + "\n".join(extracted.paragraphs)
    topics = assign_topics(text, config)
    assert topics == ["rare-earths", "india-china-relations"]
    assert "south-asia-politics" not in topics
    assert assign_tags(text, config) == ["export-controls", "supply-chains", "autos", "trade"]
