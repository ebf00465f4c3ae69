"""The fact gate's entity, stance and role rules (issue 26), one test per rule, its refusal
messages, and what it does without spaCy or without its lexicons."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.io.gold import read_gold_file
from toolkit.scoring import gate, lexicons, names, parse, stance
from toolkit.scoring.gate import numbers, refusal
from toolkit.scoring.names import DocumentEntities, mentions

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "annotations" / "gold" / "000_7dc57cc10984332c.json"
needs_spacy = pytest.mark.skipif(not parse.available(), reason="spaCy's English model is not installed")

# the seed article's gold claims and the names of their entities (as ecbench score gives them)
SENT = "North Korea sent troops to Russia."
SENT_KEYS = [["North Korea"], ["Russia"]]
MET = "Kim Jong Un and Sergei Lavrov met in Wonsan."
MET_KEYS = [["Kim Jong Un", "Kim"], ["Sergei Lavrov", "Lavrov"], ["Wonsan"]]
THANKED = "Sergei Lavrov expressed gratitude for the troops North Korea sent to Russia."
THANKED_KEYS = [["Sergei Lavrov", "Lavrov"], ["North Korea"], ["Russia"]]


@pytest.fixture(scope="module")
def seed() -> DocumentEntities:
    gold, problems = read_gold_file(SEED)
    assert gold is not None, problems
    return DocumentEntities.of(gold.mentions)


@pytest.fixture
def without_spacy(monkeypatch):
    """The gate as installed without spaCy: the parse answers None."""
    monkeypatch.setattr(parse, "pipeline", lambda: None)
    parse.parse.cache_clear()
    names.mentions.cache_clear()
    yield
    parse.parse.cache_clear()


# --- names ------------------------------------------------------------------------------------


def test_gazetteer_maps_names_demonyms_capitals_initials_and_seats_to_one_country():
    assert {lexicons.country_of(n) for n in ("North Korea", "North Korean", "North Koreans",
                                             "Pyongyang", "DPRK")} == {"PRK"}
    assert lexicons.country_of("Kremlin") == lexicons.country_of("Moscow") == "RUS"
    assert lexicons.country_of("Seoul") == "KOR" != lexicons.country_of("North Korean")
    assert lexicons.country_of("In") is None  # a code matches only as written ("IN")


def test_document_entities_join_clusters_and_affiliate_people_with_their_country(seed):
    # the NORP cluster "North Korean" and the GPE cluster "North Korea" are one country
    assert seed.keys["north korean"] == seed.keys["north korea"] == "PRK"
    assert seed.keys["kim"] == seed.keys["kim jong un"] == "e_kim"
    # "North Korean leader Kim Jong Un", "Russian Foreign Minister Sergei Lavrov"
    assert seed.affiliations["e_kim"] == {"PRK"} and seed.affiliations["e_lavrov"] == {"RUS"}


def test_mentions_read_titles_possessives_and_capitals_as_places(seed):
    found = mentions("Ahead of meeting Kim, Russia's top diplomat met Pyongyang's envoy in Seoul.", seed)
    assert [(m.shown, m.key, m.titled, m.initial) for m in found] == [
        ("Ahead", None, False, True), ("Kim", "e_kim", False, False),
        ("Russia", "RUS", True, False), ("Pyongyang", "PRK", True, False),
        ("Seoul", "seoul", False, False)]  # a capital after "in" is the city
    assert found[-1].country == "KOR"


# --- entity rules -----------------------------------------------------------------------------


@pytest.mark.parametrize("pred", [
    "North Korean troops were sent to Russia.",          # demonym
    "Pyongyang sent troops to Moscow.",                  # capitals for their states
    "The DPRK sent troops to the Kremlin's war.",        # initials, seat of government
    "North Korea's troops were sent to Russia.",         # possessive
])
def test_entity_variants_are_the_same_entities(pred):
    assert refusal(pred, SENT, SENT_KEYS) is None


def test_a_capitalised_first_word_is_no_entity():
    gold = "Before his meeting with Kim Jong Un, Sergei Lavrov held talks with Choe Son Hui."
    keys = [["Kim Jong Un", "Kim"], ["Sergei Lavrov", "Lavrov"], ["Choe Son Hui"]]
    assert refusal("Ahead of meeting Kim, Lavrov held talks with his counterpart.", gold, keys) is None
    assert refusal("Meanwhile, Kim and Lavrov met.", MET, MET_KEYS) is None


def test_without_spacy_a_lone_unknown_first_word_is_no_name(without_spacy):
    assert refusal("Ahead of meeting Kim, Lavrov met in Wonsan.", MET, MET_KEYS) is None
    # a known name at the start is still read, and still swaps
    assert refusal("Seoul sent troops to Russia.", SENT, SENT_KEYS) == \
        "entity: North Korea is missing and Seoul is not in the gold claim"


@needs_spacy
def test_the_parse_reads_a_first_word_that_is_a_name():
    assert refusal("Putin and Lavrov met in Wonsan.", MET, MET_KEYS) == \
        "entity: Kim Jong Un is missing and Putin is not in the gold claim"


def test_titles_stand_for_the_person_the_document_ties_to_that_country(seed):
    assert refusal("The North Korean leader met Russia's top diplomat in Wonsan.", MET, MET_KEYS,
                   seed) is None
    assert refusal("The South Korean leader met Russia's top diplomat in Wonsan.", MET, MET_KEYS,
                   seed) == ("entity: Kim Jong Un is missing and South Korean is not in the gold "
                             "claim")
    # without the document nothing ties Russia to Lavrov: a country not in the claim
    assert refusal("Russia's top diplomat met Kim in Wonsan.", MET, MET_KEYS).startswith(
        "entity: Sergei Lavrov is missing and Russia")


def test_an_implicit_entity_is_not_a_swap():
    gold = "The partnership agreement between North Korea and Russia outlines mutual defense protocols."
    assert refusal("The agreement between the two countries outlines mutual defense protocols.",
                   gold, SENT_KEYS) is None
    assert refusal("Lavrov thanked North Korea for sending troops to Russia.", THANKED,
                   THANKED_KEYS) is None


def test_another_entity_in_the_same_place_is_a_swap_even_if_the_claim_names_it():
    gold = "Kim Jong Un backs all actions taken by Russia regarding the conflict in Ukraine."
    keys = [["Kim Jong Un", "Kim"], ["Russia"], ["Ukraine"]]
    assert refusal("Kim Jong Un backs all actions taken by Kyiv regarding the conflict in Ukraine.",
                   gold, keys) == "entity: Kyiv in place of Russia"
    assert refusal("Kim Jong Un backs the Ukrainian government in the Ukrainian crisis.",
                   "Kim Jong Un backs the Russian government in the Ukrainian crisis.",
                   [["Kim Jong Un"], ["Russian"], ["Ukrainian"]]) == \
        "entity: Ukrainian in place of Russian"


def test_a_capital_named_as_a_place_is_the_city():
    gold = "Kim Jong Un and Sergei Lavrov met in Wonsan, North Korea."
    assert refusal("Kim and Lavrov met in Pyongyang.", gold, MET_KEYS) == \
        "entity: Wonsan is missing and Pyongyang is not in the gold claim"
    # its state is named: "in Pyongyang" says "in North Korea" too
    assert refusal("Kim's government in Pyongyang sent troops.", "Kim Jong Un's government in "
                   "North Korea sent troops.", [["Kim Jong Un", "Kim"], ["North Korea"]]) is None


def test_the_two_countries_counts_nothing():
    assert [n.anaphoric for n in numbers("the 2024 pact between the two countries")] == [False, True]
    assert refusal("the 2024 pact between the two countries", "the pact North Korea and Russia "
                   "signed in 2024") is None


# --- stance -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pred, reason", [
    ("Sergei Lavrov criticised the troops North Korea sent to Russia.",   # opposite polarity
     "stance: criticised vs gratitude"),
    ("Sergei Lavrov was resentful about the troops North Korea sent to Russia.",  # predicate adj.
     "stance: resentful vs gratitude"),
])
def test_stance_reversed_by_polarity(pred, reason):
    assert refusal(pred, THANKED, THANKED_KEYS) == reason


def test_stance_negative_predicate_for_a_neutral_one():
    assert refusal("Kim Jong Un and Sergei Lavrov cancelled their meeting in Wonsan.", MET,
                   MET_KEYS) == "stance: cancelled vs met"
    assert stance.stance_refusal("The relationship has weakened significantly.",
                                 "The relationship has intensified significantly.") == \
        "stance: weakened vs intensified"


def test_stance_antonym_by_negative_prefix():
    assert stance.stance_refusal("Support for Russia would be conditional.",
                                 "Support for Russia would be unconditional.") == \
        "stance: conditional vs unconditional"
    assert stance.stance_refusal("Kim was unwilling to help Russia.",
                                 "Kim was willing to help Russia.") == "stance: unwilling vs willing"
    # not an antonym by form
    assert stance.stance_refusal("Reporters discover the plan.", "Reporters cover the plan.") is None


@pytest.mark.parametrize("pred, gold", [
    ("Lavrov praised the troops.", "Lavrov thanked the troops."),            # same polarity
    ("The Ukraine war broke out in February 2022.", "The war in Ukraine began in February 2022."),
    ("Kim argued that the pact would boost peace.", "Kim said that the pact would boost peace."),
    ("Tesla is recalling cars to fix a defect.", "Tesla is recalling cars to fix a flaw."),
    ("Troops and weapons were sent.", "Troops and weaponry were sent."),
])
def test_stance_lets_paraphrases_through(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


needs_emolex = pytest.mark.skipif(not lexicons.available()["emolex"],
                                  reason="nrclex (the stance extra) is not installed")
LEXICON_CACHES = (lexicons.polarity, lexicons.emolex, lexicons.lemma_table, lexicons.word_classes,
                  lexicons.lemmas, lexicons.adverb, lexicons.nominal, lexicons.valence,
                  stance.stance_of, gate.analysed)


@pytest.fixture
def resources(monkeypatch):
    """Installs only the named resources (as ``lexicons.available()`` reports them)."""
    def only(*names: str) -> None:
        monkeypatch.setattr(lexicons, "available",
                            lambda: {name: name in names for name in lexicons.PACKAGES})
        for cached in LEXICON_CACHES:
            cached.cache_clear()
    yield only
    monkeypatch.undo()
    for cached in LEXICON_CACHES:
        cached.cache_clear()


@needs_emolex
@pytest.mark.parametrize("pred, gold, reason", [
    # an irregular form rated by its lemma ("withdraw"), which only EmoLex rates
    ("North Korea withdrew troops from Russia.", "North Korea sent troops to Russia.",
     "stance: withdrew vs sent"),
    ("Kim withdrew his unconditional support for Russia.",
     "Kim pledged unconditional support for Russia.", "stance: withdrew vs pledged"),
    ("A partnership agreement was annulled in 2024.", "A partnership agreement was signed in 2024.",
     "stance: annulled vs signed"),
    ("Kim said North Korea is prepared to oppose the Russian government.",
     "Kim said North Korea is prepared to fully back the Russian government.",
     "stance: oppose vs back"),
    # an adverb of manner skipped; opposite signs (VADER's "undermine", EmoLex's "enhance")
    ("Kim said the pact would significantly undermine global peace.",
     "Kim said the pact would significantly enhance global peace.", "stance: undermine vs enhance"),
    # "have" and "has" are one place (their lemma)
    ("Ties between Russia and North Korea have deteriorated sharply.",
     "The relationship between Russia and North Korea has intensified significantly.",
     "stance: deteriorated vs intensified"),
    # the place found by the two words after ("to bolstering")
    ("Kim and Lavrov declared themselves opposed to bolstering cooperation.",
     "Kim and Lavrov reaffirmed their commitment to bolstering cooperation.",
     "stance: opposed vs commitment"),
])
def test_stance_reversals_the_lemmas_and_emolex_rate(pred, gold, reason):
    assert stance.stance_refusal(pred, gold) == reason


@needs_emolex
def test_stance_predicate_adjective_in_the_place_of_its_copula():
    assert stance.stance_refusal(
        "Kim said the pact would be seriously harmful to global peace.",
        "Kim said the pact would significantly enhance global peace.") == \
        "stance: harmful vs enhance"


def test_stance_predicate_adjective_after_as():
    assert stance.stance_refusal(
        "Lavrov characterized the relationship as hostile and distrustful.",
        "Lavrov characterized the relationship as a formidable fighting brotherhood.") == \
        "stance: hostile vs formidable"


@pytest.mark.parametrize("pred, gold", [
    ("North Korea withdrew its soldiers from Russia.", "North Korea withdrew troops from Russia."),
    ("The deal was annulled in 2024.", "The deal was cancelled in 2024."),   # both negative
    ("Russia opposed the sanctions.", "Russia rejected the sanctions."),
    ("Kim said the pact would seriously harm global peace.",
     "Kim said the pact would significantly undermine global peace."),
    # EmoLex marks nouns out of place ("government", "foreign"): no answer to a predicate adj.
    ("Pyongyang is ready to fully back the Kremlin in its efforts.",
     "North Korea is prepared to fully back the Russian government in its efforts."),
    ("Russia's top diplomat Sergei Lavrov is visiting North Korea for three days.",
     "Russian Foreign Minister Sergei Lavrov is in North Korea for a three-day visit."),
    # a sentence-initial capital is no name before a predicate
    ("By late 2025 Siemens will shed 1,500 jobs.", "Siemens will cut 1,500 jobs by the end of 2025."),
])
def test_stance_lets_paraphrases_with_the_new_predicates_through(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


@pytest.mark.parametrize("pred, gold", [
    # a word after a possessive is a noun ("Korea's government"), with either apostrophe
    ("North Korea's government has pledged to send 6,000 engineers to Russia.",
     "North Korea has committed to sending 6,000 engineers to Russia."),
    ("North Korea’s government has pledged to send 6,000 engineers to Russia.",
     "North Korea has committed to sending 6,000 engineers to Russia."),
    # a capitalised word inside the sentence is a name or a title ("Foreign Minister")
    ("Sergei Lavrov held talks with North Korean Foreign Minister Choe Son Hui.",
     "Sergei Lavrov held talks with his North Korean counterpart, Choe Son Hui."),
    # a predicate adjective answers the place of its copula only, not any polar word of the
    # gold claim ("conflict" is what the claim is about)
    ("Kim said his country was ready to give unconditional support to Russia in the war.",
     "Kim expressed his willingness to give unconditional support to Russia in the conflict."),
])
def test_stance_reads_no_predicate_after_a_possessive_or_in_a_name(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


def test_stance_still_reads_a_lowercase_predicate_after_a_name():
    assert stance.stance_refusal("North Korea's government condemned the troops.",
                                 "North Korea's government praised the troops.") is not None
    assert stance.words_of("Korea's ties")[1] == ("korea", stance.POSSESSIVE, "ties")


VISIT = "Sergei Lavrov paid a visit to Pyongyang in July."


@pytest.mark.parametrize("pred, reason", [
    # a word alone, by its lemma (lemminflect's table: "scrapped" -> "scrap")
    ("Sergei Lavrov scrapped a visit to Pyongyang in July.",
     "stance: scrapped, a reversal the gold claim does not state"),
    # a phrasal verb, its particle right after it or a few words on ("called ... off")
    ("Sergei Lavrov called off a visit to Pyongyang in July.",
     "stance: called off, a reversal the gold claim does not state"),
    ("Sergei Lavrov called his July visit to Pyongyang off.",
     "stance: called ... off, a reversal the gold claim does not state"),
    # a noun of the event ("the cancellation of")
    ("July saw the cancellation of Sergei Lavrov's visit to Pyongyang.",
     "stance: cancellation, a reversal the gold claim does not state"),
])
def test_stance_a_reversative_only_the_prediction_has(pred, reason):
    assert stance.stance_refusal(pred, VISIT) == reason


@pytest.mark.parametrize("pred, gold", [
    # the same reversative on both sides, or two of them: no reversal
    ("The strike at the plant ended after six weeks.", "Workers ended their six-week strike."),
    ("Moscow pulled out of the treaty in 2023.", "Moscow withdrew from the treaty in 2023."),
    # a reversative that is none: a time, "ended up", a stop on the way, "without delay"
    ("By the end of 2026 the firm will hire 900 staff.", "The firm will hire 900 staff by 2026."),
    ("Lavrov ended up signing the accord.", "Lavrov signed the accord."),
    ("Lavrov was on the receiving end of North Korean support.", "Lavrov received North Korean support."),
    ("Lavrov stopped in Beijing on his way.", "Lavrov visited Beijing on his way."),
    ("Kim promised help without delay.", "Kim promised immediate help."),
    # a negative word in its place says the same ("would harm" / "would undermine")
    ("The accord would seriously undermine regional stability.",
     "The accord would seriously harm regional stability."),
])
def test_stance_no_reversal_without_a_reversative_on_one_side_only(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


def test_stance_a_reversative_only_the_gold_claim_has():
    # refused where the prediction keeps the words either side of it ...
    assert stance.stance_refusal("Sergei Lavrov made a visit to Pyongyang.",
                                 "Sergei Lavrov called off a visit to Pyongyang.") == \
        "stance: the gold claim's called off, a reversal the prediction leaves out"
    # ... not where it says the ending in other words ("voted for a deal" ends a strike)
    assert stance.stance_refusal(
        "After six weeks, striking dockers voted for a new contract.",
        "The dockers' strike ended after six weeks when they approved a new contract.") is None


@pytest.mark.parametrize("pred, gold, reason", [
    ("Relations between the two states cooled over the year.",
     "Relations between the two states deepened over the year.", "stance: cooled vs deepened"),
    ("Exports rose 4% in May.", "Exports fell 4% in May.", "stance: rose vs fell"),
    ("The two states have grown more distant.", "The two states have grown closer.",
     "stance: distant vs closer"),
])
def test_stance_more_against_less(pred, gold, reason):
    assert stance.stance_refusal(pred, gold) == reason


@pytest.mark.parametrize("pred, gold", [
    ("Ties between the two states grew closer.", "Ties between the two states intensified."),
    ("The jobless rate dropped to 6%.", "Unemployment fell to 6%."),
    # both directions on one side: which is which is for the similarity to judge
    ("Exports rose 4% while imports fell.", "Exports increased 4%."),
])
def test_stance_more_and_less_paraphrased(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


@pytest.mark.parametrize("pred, gold, reason", [
    # verbs of curbing and comparatives the lemma table reads as their bare adjective
    ("The two states reaffirmed their commitment to curtailing cooperation.",
     "The two states reaffirmed their commitment to bolstering cooperation.",
     "stance: curtailing vs bolstering"),
    ("The pact would leave regional security significantly weaker.",
     "The pact would significantly enhance regional security.", "stance: weaker vs enhance"),
])
def test_stance_curbing_and_comparatives_are_less(pred, gold, reason):
    assert stance.stance_refusal(pred, gold) == reason


@pytest.mark.parametrize("pred, gold, reason", [
    ("Kim is prepared to give only partial, lukewarm backing to Moscow.",
     "Kim is prepared to fully back Moscow.", "stance: lukewarm vs fully"),
    # a degree word both statements share is left out ("unconditional")
    ("Kim's pledge of unconditional support came during low-level talks.",
     "Kim's pledge of unconditional support came during high-level talks.",
     "stance: low-level vs high-level"),
])
def test_stance_full_against_partial_degree(pred, gold, reason):
    assert stance.stance_refusal(pred, gold) == reason


@pytest.mark.parametrize("pred, gold", [
    ("Kim pledged his full and unwavering backing to Moscow.",
     "Kim promised unconditional support for Moscow."),
    # "a total of" is a sum, "token" a noun: neither is listed
    ("A total of 6,000 workers were sent, a token of goodwill.", "Some 6,000 workers were sent."),
])
def test_stance_degree_paraphrased(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


@needs_emolex
@pytest.mark.parametrize("pred, reason", [
    # a support verb: its object's polar word is in its place ("voiced his displeasure")
    ("Sergei Lavrov voiced his displeasure over the troops North Korea sent to Russia.",
     "stance: displeasure vs gratitude"),
    # an adjective with a negative prefix no lexicon rates, its bare word positive
    ("Sergei Lavrov was openly unappreciative of the troops North Korea sent to Russia.",
     "stance: unappreciative vs gratitude"),
])
def test_stance_support_verbs_and_prefixed_adjectives(pred, reason):
    assert stance.stance_refusal(pred, THANKED) == reason


@needs_emolex
def test_stance_two_support_verbs_in_one_place():
    # the gold claim's support-verb object after the same word is the counterpart
    assert stance.stance_refusal(
        "Kim voiced North Korea's outright opposition to Russia's actions.",
        "Kim expressed North Korea's willingness to support Russia's actions.") == \
        "stance: opposition vs willingness"


@pytest.mark.parametrize("pred", [
    "Sergei Lavrov voiced his appreciation for the troops North Korea sent to Russia.",
    "Sergei Lavrov showed deep gratitude for the troops North Korea sent to Russia.",
    "Sergei Lavrov was openly appreciative of the troops North Korea sent to Russia.",
])
def test_stance_support_verbs_paraphrased(pred):
    assert stance.stance_refusal(pred, THANKED) is None


@pytest.mark.parametrize("pred, reason", [
    ("Kim is prepared to turn his back on the Russian government.",
     "stance: turn his back on, a reversal the gold claim does not state"),
    ("Kim and Lavrov put the brakes on cooperation between the two states.",
     "stance: put the brakes on, a reversal the gold claim does not state"),
    ("Kim is prepared to leave the Russian government out in the cold.",
     "stance: out in the cold, a reversal the gold claim does not state"),
    ("Their efforts would be a serious blow to global peace.",
     "stance: blow to, a reversal the gold claim does not state"),
    ("North Korea has held back 10,000 troops from Russia's war.",
     "stance: held back, a reversal the gold claim does not state"),
    ("North Korea has recalled 10,000 troops from Russia.",
     "stance: recalled, a reversal the gold claim does not state"),
])
def test_stance_idioms_and_phrasal_reversatives(pred, reason):
    assert stance.stance_refusal(pred, "Kim is prepared to fully back the Russian government.") \
        == reason


@pytest.mark.parametrize("pred, gold", [
    # the words of an idiom apart, or in their literal sense with a reversal on both sides
    ("Kim turned to Lavrov and went back on stage.", "Kim turned to Lavrov and returned to the stage."),
    ("Lavrov recalled that North Korea had sent troops.", "Lavrov said North Korea had sent troops."),
    ("North Korea recalled its troops from Russia.", "North Korea withdrew its troops from Russia."),
])
def test_stance_idioms_and_phrasal_reversatives_paraphrased(pred, gold):
    assert stance.stance_refusal(pred, gold) is None


def test_stance_order_reversed():
    gold = "Before his meeting with Kim Jong Un, Sergei Lavrov held talks with Choe Son Hui."
    assert stance.stance_refusal(
        "Sergei Lavrov held talks with Choe Son Hui only after his meeting with Kim Jong Un.",
        gold) == "stance: after vs before"
    # the same order said from the other event's side names another event after the word
    assert stance.stance_refusal(
        "Sergei Lavrov met Kim Jong Un after his meeting with Choe Son Hui.", gold) is None


@needs_emolex
def test_stance_copulas_by_lemma():
    # "remain" and "prove" are copulas in every form: the adjective takes their place
    assert stance.stance_refusal("The two states would remain hostile to the accord.",
                                 "The two states would support the accord.") == \
        "stance: hostile vs support"
    assert stance.stance_refusal("The accord proved harmful to regional stability.",
                                 "The accord benefited regional stability.") is not None


def test_stance_word_lists_are_lemmas_of_the_lemma_table():
    """Every reversative and direction word is a lemma lemminflect's table lists (so its
    inflections are found by ``base``), save the comparatives listed as written."""
    for word in [*stance.REVERSATIVES, *stance.DIRECTIONS, *stance.SUPPORT_VERBS]:
        assert lexicons.word_classes(word), word
        # a comparative is listed as written: its lemma, the bare adjective, is no direction
        # ("weak support", "out in the cold")
        assert lexicons.base(word) in (word, "close") or word.endswith("er") or \
            lexicons.base(word) in stance.REVERSATIVES, word
    for idiom in stance.IDIOMS:
        assert [lexicons.base(w) for w in idiom] == list(idiom), idiom
    assert [lexicons.base(w) for w in ("tore", "withdrew", "setbacks", "cooler")] == \
        ["tear", "withdraw", "setback", "cool"]


def test_without_the_polarity_lexicons_the_stance_check_reads_only_prefixes(resources):
    resources("countries", "lemmas")
    assert lexicons.available() == {"countries": True, "polarity": False, "lemmas": True,
                                    "emolex": False}
    assert stance.stance_refusal("Lavrov criticised the troops.",
                                 "Lavrov expressed gratitude for the troops.") is None
    assert stance.stance_refusal("It is conditional.", "It is unconditional.") is not None


@needs_emolex
def test_without_emolex_vader_alone_rates_the_predicates(resources):
    # "harmful" and "enhance" only EmoLex rates (and neither is a reversative)
    harmful = ("Kim said the pact would be harmful to global peace.",
               "Kim said the pact would enhance global peace.")
    assert stance.stance_refusal(*harmful) == "stance: harmful vs enhance"
    resources("countries", "polarity", "lemmas")
    assert lexicons.valence("harmful") == 0.0 and stance.stance_refusal(*harmful) is None
    assert stance.stance_refusal("Lavrov criticised the troops.",
                                 "Lavrov expressed gratitude for the troops.") is not None


@needs_emolex
def test_without_the_lemmas_an_irregular_form_is_not_rated(resources):
    resources("countries", "polarity", "emolex")
    assert lexicons.lemmas("withdrew") == () and lexicons.valence("withdrew") == 0.0
    assert lexicons.valence("withdraw") < 0  # the lemma itself is still rated
    assert stance.stance_refusal("North Korea withdrew troops from Russia.",
                                 "North Korea sent troops to Russia.") is None


# --- roles ------------------------------------------------------------------------------------


@needs_spacy
@pytest.mark.parametrize("pred, reason", [
    ("Russia sent troops to North Korea.",
     "role: Russia is the subject of 'send' in the prediction, North Korea in the gold claim"),
    ("Sergei Lavrov expressed gratitude for the troops Russia sent to North Korea.",
     "role: Russia is the subject of 'send' in the prediction, North Korea in the gold claim"),
])
def test_role_reversal(pred, reason):
    gold = SENT if pred.startswith("Russia sent") else THANKED
    keys = SENT_KEYS if gold == SENT else THANKED_KEYS
    assert refusal(pred, gold, keys) == reason


@needs_spacy
def test_the_same_subject_moving_something_the_other_way_is_a_reversal():
    keys = [["North Korea"], ["Russia"]]
    assert refusal("North Korea received troops from Russia.", "North Korea sent troops to Russia.",
                   keys) == ("role: Russia is the source ('from') of 'receive' in the prediction, "
                             "the destination ('to') of 'send' in the gold claim")
    # the converse predicate with its participants in their own places: the same fact
    assert refusal("Russia received troops from North Korea.", "North Korea sent troops to Russia.",
                   keys) is None
    assert refusal("North Korea sent troops to Russia.", "Russia received troops from North Korea.",
                   keys) is None


@needs_spacy
def test_the_same_subject_giving_against_taking_is_a_reversal():
    keys = [["Sergei Lavrov", "Lavrov"], ["North Korea"]]
    gold = "Sergei Lavrov received military support from North Korea."
    assert refusal("Sergei Lavrov provided North Korea with military support.", gold, keys) == (
        "role: Sergei Lavrov is the subject of 'provide' in the prediction, of 'receive' in the "
        "gold claim: the transfer goes the other way")
    # the converse with the subjects swapped, and a verb of the same way: the same fact
    for pred in ("North Korea provided Sergei Lavrov with military support.",
                 "North Korea gave Sergei Lavrov military support.",
                 "Sergei Lavrov got military support from North Korea."):
        assert refusal(pred, gold, keys) is None, pred


@needs_spacy
def test_role_reversal_of_one_of_several_named_subjects():
    keys = [["Kim Jong Un", "Kim"], ["North Korea"], ["Russia", "Moscow"]]
    gold = "Kim Jong Un's administration in North Korea has committed to sending 6,000 workers to Russia."
    assert refusal("Moscow has committed to sending 6,000 workers to North Korea.", gold, keys) == (
        "role: Moscow is the subject of 'commit' in the prediction, Kim Jong Un and North Korea "
        "in the gold claim")
    # one of the gold claim's subjects alone, under another name: the same fact
    assert refusal("Pyongyang has committed to sending 6,000 workers to Russia.", gold, keys) is None


def test_roles_kept_in_a_passive_paraphrase():
    assert refusal("Troops were sent by North Korea to Russia.", SENT, SENT_KEYS) is None


def test_without_spacy_roles_are_not_checked(without_spacy):
    assert refusal("Russia sent troops to North Korea.", SENT, SENT_KEYS) is None
